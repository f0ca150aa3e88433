import { useState, type FormEvent } from 'react';
import {
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_API_SCOPES,
  DEFAULT_KEY_HOURLY_LIMIT,
  type ApiScope,
  type CreatedApiKey,
} from '../../../../shared/domain';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { nullableNumber, type NumberFieldValue } from '../../forms';
import { SCOPE_INFO, SCOPES_IN_FORM_ORDER } from './scopes';

const KEY_FIELDS = ['nombre', 'sistema', 'scopes', 'dias', 'limite_hora'] as const;

const EXPIRY_CHOICES = ['never', '30', '90', '365', 'custom'] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];

/** A scope error may come for the list ("scopes") or for one of its items ("scopes.2"). */
function scopesError(errors: Record<string, string>): string | undefined {
  const key = Object.keys(errors).find((k) => k === 'scopes' || k.startsWith('scopes.'));
  return key === undefined ? undefined : errors[key];
}

/** Names the key and what it may do; the answer carries the full key, shown next and only once. */
export function CreateApiKeyModal(props: {
  onClose: () => void;
  onCreated: (created: CreatedApiKey) => void;
}) {
  const { t } = useTranslation();
  const [nombre, setNombre] = useState('');
  const [sistema, setSistema] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([...DEFAULT_API_SCOPES]);
  const [expiry, setExpiry] = useState<ExpiryChoice>('never');
  const [customDays, setCustomDays] = useState<NumberFieldValue>('');
  const [limit, setLimit] = useState<NumberFieldValue>(DEFAULT_KEY_HOURLY_LIMIT);
  const [missingDays, setMissingDays] = useState(false);
  const [missingLimit, setMissingLimit] = useState(false);
  // The result holds the full key: it must not linger in the mutation cache after this modal.
  const create = useHandlerMutation('keys/create', ['keys'], { gcTime: 0 });

  const errors = fieldErrors(create.error);
  const unplacedError = formLevelError(create.error, [
    ...KEY_FIELDS,
    ...Object.keys(errors).filter((k) => k.startsWith('scopes.')),
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // An empty number cannot be sent for the core to name (an empty "days" would even read as
    // "never expires"), so those two are checked here; everything else is the core's to check.
    const dias =
      expiry === 'never' ? null : expiry === 'custom' ? nullableNumber(customDays) : Number(expiry);
    const limite_hora = nullableNumber(limit);
    const daysMissing = expiry === 'custom' && dias === null;
    setMissingDays(daysMissing);
    setMissingLimit(limite_hora === null);
    if (daysMissing || limite_hora === null) return;
    create.mutate(
      { nombre, sistema, scopes, dias, limite_hora },
      {
        onSuccess: (created) => {
          create.reset();
          props.onCreated(created);
        },
      },
    );
  };

  const scopeCheckbox = (scope: ApiScope) => {
    const info = SCOPE_INFO[scope];
    return (
      <Checkbox
        key={scope}
        value={scope}
        label={
          <>
            {t(`apiKeys.scopes.${info.key}.label`)}{' '}
            <Code fz="xs" c="dimmed" bg="transparent" p={0}>
              {scope}
            </Code>
          </>
        }
        description={t(`apiKeys.scopes.${info.key}.help`)}
      />
    );
  };

  return (
    <Modal opened onClose={props.onClose} size="xl" title={t('apiKeys.form.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label={t('apiKeys.fields.nombre')}
              description={t('apiKeys.form.nombreHelp')}
              withAsterisk
              data-autofocus
              value={nombre}
              onChange={(e) => setNombre(e.currentTarget.value)}
              error={errors.nombre}
              maxLength={100}
            />
            <TextInput
              label={t('apiKeys.fields.sistema')}
              description={t('apiKeys.form.sistemaHelp')}
              placeholder={t('apiKeys.form.sistemaPlaceholder')}
              withAsterisk
              value={sistema}
              onChange={(e) => setSistema(e.currentTarget.value)}
              error={errors.sistema}
              maxLength={64}
            />
          </SimpleGrid>

          <Checkbox.Group
            label={t('apiKeys.fields.scopes')}
            description={t('apiKeys.form.scopesHelp')}
            value={scopes}
            onChange={(value) => setScopes(value as ApiScope[])}
            error={scopesError(errors)}
          >
            {/* What a key can read beside what it can change: the form fits without scrolling. */}
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" mt="xs">
              <Stack gap="xs">
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                  {t('apiKeys.form.readGroup')}
                </Text>
                {SCOPES_IN_FORM_ORDER.filter((s) => SCOPE_INFO[s].kind === 'read').map(
                  scopeCheckbox,
                )}
              </Stack>
              <Stack gap="xs">
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                  {t('apiKeys.form.writeGroup')}
                </Text>
                {SCOPES_IN_FORM_ORDER.filter((s) => SCOPE_INFO[s].kind !== 'read').map(
                  scopeCheckbox,
                )}
              </Stack>
            </SimpleGrid>
          </Checkbox.Group>

          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <Stack gap="xs">
              <Select
                label={t('apiKeys.fields.caducidad')}
                description={t('apiKeys.form.caducidadHelp')}
                allowDeselect={false}
                value={expiry}
                onChange={(value) => {
                  if (!value) return;
                  setExpiry(value as ExpiryChoice);
                  setMissingDays(false);
                }}
                data={EXPIRY_CHOICES.map((choice) => ({
                  value: choice,
                  label: t(`apiKeys.form.expiry.${choice}`),
                }))}
                error={expiry === 'custom' ? undefined : errors.dias}
              />
              {expiry === 'custom' && (
                <NumberInput
                  label={t('apiKeys.form.customDays')}
                  withAsterisk
                  value={customDays}
                  onChange={(value) => {
                    setCustomDays(value);
                    setMissingDays(false);
                  }}
                  error={missingDays ? t('apiKeys.form.daysRequired') : errors.dias}
                  min={1}
                  max={3650}
                  allowDecimal={false}
                  allowNegative={false}
                />
              )}
            </Stack>
            <NumberInput
              label={t('apiKeys.form.limite')}
              description={t('apiKeys.form.limiteHelp')}
              withAsterisk
              value={limit}
              onChange={(value) => {
                setLimit(value);
                setMissingLimit(false);
              }}
              error={missingLimit ? t('apiKeys.form.limitRequired') : errors.limite_hora}
              min={1}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={false}
            />
          </SimpleGrid>

          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('apiKeys.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

import { useState, type FormEvent } from 'react';
import {
  Button,
  Divider,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/settings';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ApiStatusPanel } from '../../components/ApiStatusPanel';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { NumberFieldValue } from '../../forms';
import { Section } from '../../components/Section';

const FORM_FIELDS = ['apiHost', 'apiPort', 'logRetentionDays', 'logRetentionMaxRows'] as const;

/** The API listener and the log retention: saved together with one button. */
export function ServiceSettingsForm({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation();
  const [apiHost, setApiHost] = useState(settings.apiHost);
  const [apiPort, setApiPort] = useState<NumberFieldValue>(settings.apiPort);
  const [retentionDays, setRetentionDays] = useState<NumberFieldValue>(settings.logRetentionDays);
  const [retentionRows, setRetentionRows] = useState<NumberFieldValue>(
    settings.logRetentionMaxRows,
  );
  const update = useHandlerMutation('settings/update', ['settings']);
  const errors = fieldErrors(update.error);
  const unplacedError = formLevelError(update.error, FORM_FIELDS);

  const dirty =
    apiHost !== settings.apiHost ||
    apiPort !== settings.apiPort ||
    retentionDays !== settings.logRetentionDays ||
    retentionRows !== settings.logRetentionMaxRows;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty numbers are sent as they are (NaN becomes null in JSON) so the core names the field.
    update.mutate(
      {
        apiHost: apiHost.trim(),
        apiPort: Number(apiPort === '' ? Number.NaN : apiPort),
        logRetentionDays: Number(retentionDays === '' ? Number.NaN : retentionDays),
        logRetentionMaxRows: Number(retentionRows === '' ? Number.NaN : retentionRows),
      },
      { onSuccess: () => notifications.show({ color: 'teal', message: t('settings.saved') }) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        <Section title={t('settings.api.title')} description={t('settings.api.help')}>
          <ApiStatusPanel withState />
          <Divider my="md" />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label={t('settings.api.host')}
              description={t('settings.api.hostHelp')}
              value={apiHost}
              onChange={(e) => setApiHost(e.currentTarget.value)}
              error={errors.apiHost}
            />
            <NumberInput
              label={t('settings.api.port')}
              description={t('settings.api.portHelp')}
              value={apiPort}
              onChange={setApiPort}
              error={errors.apiPort}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={false}
            />
          </SimpleGrid>
        </Section>

        <Section title={t('settings.logs.title')} description={t('settings.logs.help')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <NumberInput
              label={t('settings.logs.days')}
              description={t('settings.logs.daysHelp')}
              value={retentionDays}
              onChange={setRetentionDays}
              error={errors.logRetentionDays}
              allowDecimal={false}
              allowNegative={false}
            />
            <NumberInput
              label={t('settings.logs.rows')}
              description={t('settings.logs.rowsHelp')}
              value={retentionRows}
              onChange={setRetentionRows}
              error={errors.logRetentionMaxRows}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={i18n.language === 'es' ? '.' : ','}
              decimalSeparator={i18n.language === 'es' ? ',' : '.'}
            />
          </SimpleGrid>
        </Section>

        {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}
        <Group justify="flex-end" gap="md">
          {dirty && (
            <Text size="sm" c="dimmed">
              {t('settings.unsaved')}
            </Text>
          )}
          <Button type="submit" loading={update.isPending} disabled={!dirty}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

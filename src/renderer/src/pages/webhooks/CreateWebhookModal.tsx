import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Code, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EVENT_TYPES, type EventType, type Webhook } from '../../../../shared/domain';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';

const WEBHOOK_FIELDS = ['nombre', 'url', 'eventos'] as const;

/** An events error may come for the list ("eventos") or for one of its items ("eventos.0"). */
function eventsError(errors: Record<string, string>): string | undefined {
  const key = Object.keys(errors).find((k) => k === 'eventos' || k.startsWith('eventos.'));
  return key === undefined ? undefined : errors[key];
}

/** Names the endpoint, where it is and what it hears; the answer carries its secret. */
export function CreateWebhookModal(props: {
  onClose: () => void;
  onCreated: (created: Webhook & { secreto: string }) => void;
}) {
  const { t } = useTranslation();
  const [nombre, setNombre] = useState('');
  const [url, setUrl] = useState('');
  const [eventos, setEventos] = useState<EventType[]>([]);
  // The result holds the secret: it is handed on once and must not linger in the cache.
  const create = useHandlerMutation('webhooks/create', ['webhooks'], { gcTime: 0 });

  // A field the user has changed since the last answer no longer shows that answer's error.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const edit = (field: string) =>
    setEdited((current) => (current.has(field) ? current : new Set(current).add(field)));
  const allErrors = fieldErrors(create.error);
  const errors = Object.fromEntries(
    Object.entries(allErrors).filter(([key]) => !edited.has(key.split('.')[0]!)),
  );
  const unplacedError = formLevelError(create.error, [
    ...WEBHOOK_FIELDS,
    ...Object.keys(allErrors).filter((k) => k.startsWith('eventos.')),
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setEdited(new Set());
    create.mutate(
      { nombre, url, eventos },
      {
        onSuccess: (created) => {
          create.reset();
          props.onCreated(created);
        },
      },
    );
  };

  return (
    <Modal opened onClose={props.onClose} size="lg" title={t('webhooks.form.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}
          <TextInput
            label={t('webhooks.fields.nombre')}
            description={t('webhooks.form.nombreHelp')}
            withAsterisk
            data-autofocus
            value={nombre}
            onChange={(e) => {
              setNombre(e.currentTarget.value);
              edit('nombre');
            }}
            error={errors.nombre}
            maxLength={100}
          />
          <TextInput
            label={t('webhooks.fields.url')}
            description={t('webhooks.form.urlHelp')}
            placeholder={t('webhooks.form.urlPlaceholder')}
            withAsterisk
            type="url"
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              edit('url');
            }}
            error={errors.url}
            maxLength={2000}
            spellCheck={false}
            autoComplete="off"
          />
          <Checkbox.Group
            label={t('webhooks.fields.eventos')}
            description={t('webhooks.form.eventosHelp')}
            withAsterisk
            value={eventos}
            onChange={(value) => {
              setEventos(value as EventType[]);
              edit('eventos');
            }}
            error={eventsError(errors)}
          >
            <Stack gap="sm" mt="xs">
              {EVENT_TYPES.map((evento) => (
                <Checkbox
                  key={evento}
                  value={evento}
                  label={
                    <>
                      {t(`webhookEvents.${evento}.label`)}{' '}
                      <Code fz="xs" c="dimmed" bg="transparent" p={0}>
                        {evento}
                      </Code>
                    </>
                  }
                  description={t(`webhookEvents.${evento}.help`)}
                />
              ))}
            </Stack>
          </Checkbox.Group>

          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('webhooks.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

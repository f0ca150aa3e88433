import { useRef } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { CopyButton } from '../../components/CopyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InfoIcon } from '../../components/icons';
import { useFormatters } from '../../format';

/**
 * Why the secret is on screen: just created (the answer carried it), just rotated, or asked for
 * with «Mostrar secreto». Unlike an API key, the core keeps it, so it can be shown again.
 */
export type SecretView =
  | { kind: 'created'; webhook: Webhook; secreto: string }
  | { kind: 'rotated'; webhook: Webhook; rotacion_hasta: string }
  | { kind: 'show'; webhook: Webhook };

export function WebhookSecretModal(props: { view: SecretView; onClose: () => void }) {
  const { t } = useTranslation();
  const { view } = props;
  const { webhook } = view;
  const title =
    view.kind === 'created'
      ? t('webhooks.secret.createdTitle')
      : t(view.kind === 'rotated' ? 'webhooks.secret.rotatedTitle' : 'webhooks.secret.title', {
          nombre: webhook.nombre,
        });

  return (
    <Modal opened onClose={props.onClose} size="xl" title={title}>
      <Stack gap="md">
        {view.kind === 'created' ? (
          <>
            <Text size="sm">
              {t('webhooks.secret.createdFor', { nombre: webhook.nombre, url: webhook.url })}
            </Text>
            <SecretField
              label={t('webhooks.secret.label')}
              copyLabel={t('webhooks.secret.copy')}
              value={view.secreto}
            />
            <Text size="sm">{t('webhooks.secret.createdHelp')}</Text>
          </>
        ) : (
          <StoredSecret
            webhookId={webhook.id}
            until={view.kind === 'rotated' ? view.rotacion_hasta : webhook.rotacion_hasta}
          />
        )}
        <Alert color="blue" variant="light" icon={<InfoIcon />}>
          <Stack gap={6}>
            <Text size="sm">{t('webhooks.secret.signature')}</Text>
            <Text size="sm" fw={500}>
              {t('webhooks.secret.keepSafe')}
            </Text>
          </Stack>
        </Alert>
        <Group justify="flex-end">
          <Button onClick={props.onClose}>{t('webhooks.secret.done')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The current secret and, during a rotation, the previous one that still signs. */
function StoredSecret({ webhookId, until }: { webhookId: number; until: string | null }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  // Read when the dialog opens and dropped from the cache as soon as it closes.
  const secret = useHandlerQuery('webhooks/secret', { id: webhookId }, { gcTime: 0, staleTime: 0 });

  if (secret.isError) {
    return (
      <ErrorAlert
        error={secret.error}
        title={t('webhooks.secret.loadFailed')}
        onRetry={() => secret.refetch()}
      />
    );
  }
  if (!secret.data) {
    return (
      <Group justify="center" py="md">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );
  }
  return (
    <>
      <SecretField
        label={t(
          secret.data.secreto_anterior ? 'webhooks.secret.newLabel' : 'webhooks.secret.label',
        )}
        copyLabel={t('webhooks.secret.copy')}
        value={secret.data.secreto}
      />
      {secret.data.secreto_anterior && (
        <>
          <SecretField
            label={t('webhooks.secret.previousLabel', { fecha: dateTime(until) })}
            copyLabel={t('webhooks.secret.copyPrevious')}
            value={secret.data.secreto_anterior}
          />
          <Text size="sm">{t('webhooks.secret.rotating', { fecha: dateTime(until) })}</Text>
        </>
      )}
    </>
  );
}

function SecretField(props: { label: string; copyLabel: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  // When the browser refuses the clipboard, the secret is selected so Ctrl+C copies it.
  const select = () => input.current?.select();
  return (
    <Group align="flex-end" gap="sm" wrap="nowrap">
      <TextInput
        ref={input}
        label={props.label}
        value={props.value}
        readOnly
        onFocus={select}
        spellCheck={false}
        autoComplete="off"
        style={{ flex: 1 }}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <CopyButton value={props.value} label={props.copyLabel} variant="filled" onFailure={select} />
    </Group>
  );
}

import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AlertIcon } from '../../components/icons';

/** Deleting drops the endpoint and its delivery history; «Desactivar» is the way to pause. */
export function DeleteWebhookModal(props: { webhook: Webhook; onClose: () => void }) {
  const { t } = useTranslation();
  const { webhook } = props;
  const remove = useHandlerMutation('webhooks/delete', ['webhooks']);

  const confirm = () =>
    remove.mutate(
      { id: webhook.id },
      {
        onSuccess: () => {
          notifications.show({
            color: 'gray',
            message: t('webhooks.deleteModal.done', { nombre: webhook.nombre }),
          });
          props.onClose();
        },
      },
    );

  return (
    <Modal
      opened
      onClose={props.onClose}
      title={t('webhooks.deleteModal.title', { nombre: webhook.nombre })}
    >
      <Stack gap="md">
        <Alert color="red" variant="light" icon={<AlertIcon />}>
          <Stack gap={6}>
            <Text size="sm" style={{ wordBreak: 'break-word' }}>
              {t('webhooks.deleteModal.effect', { url: webhook.url })}
            </Text>
            <Text size="sm" fw={500}>
              {t('webhooks.deleteModal.irreversible')}
            </Text>
          </Stack>
        </Alert>
        {remove.error && (
          <ErrorAlert error={remove.error} title={t('webhooks.deleteModal.failed')} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={confirm}>
            {t('webhooks.deleteModal.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ApiKey } from '../../../../shared/domain';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AlertIcon } from '../../components/icons';

/** Revoking is immediate and final, so it says what the system on the other end will see. */
export function RevokeApiKeyModal(props: { apiKey: ApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const { apiKey } = props;
  const revoke = useHandlerMutation('keys/revoke', ['keys']);

  const confirm = () =>
    revoke.mutate(
      { id: apiKey.id },
      {
        onSuccess: (revoked) => {
          notifications.show({
            color: 'gray',
            message: t('apiKeys.revokeModal.done', { nombre: revoked.nombre }),
          });
          props.onClose();
        },
      },
    );

  return (
    <Modal
      opened
      onClose={props.onClose}
      title={t('apiKeys.revokeModal.title', { nombre: apiKey.nombre })}
    >
      <Stack gap="md">
        <Text size="sm">
          {t('apiKeys.revokeModal.which', { sistema: apiKey.sistema })}{' '}
          <Code>{`${apiKey.prefijo}…`}</Code>
        </Text>
        <Alert color="red" variant="light" icon={<AlertIcon />}>
          <Stack gap={6}>
            <Text size="sm">{t('apiKeys.revokeModal.effect', { sistema: apiKey.sistema })}</Text>
            <Text size="sm" fw={500}>
              {t('apiKeys.revokeModal.irreversible')}
            </Text>
          </Stack>
        </Alert>
        {revoke.error && (
          <ErrorAlert error={revoke.error} title={t('apiKeys.revokeModal.failed')} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={confirm}>
            {t('apiKeys.revokeModal.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

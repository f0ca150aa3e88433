import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InfoIcon } from '../../components/icons';

/** Rotation keeps the old secret signing for a day, so the receiver can switch without a gap. */
export function RotateSecretModal(props: {
  webhook: Webhook;
  onClose: () => void;
  onRotated: (result: { rotacion_hasta: string }) => void;
}) {
  const { t } = useTranslation();
  const { webhook } = props;
  // The answer carries the new secret; the next dialog reads it again, so none is kept here.
  const rotate = useHandlerMutation('webhooks/rotateSecret', ['webhooks'], { gcTime: 0 });

  const confirm = () =>
    rotate.mutate(
      { id: webhook.id },
      { onSuccess: ({ rotacion_hasta }) => props.onRotated({ rotacion_hasta }) },
    );

  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={t('webhooks.rotateModal.title', { nombre: webhook.nombre })}
    >
      <Stack gap="md">
        <Text size="sm">{t('webhooks.rotateModal.what')}</Text>
        <Alert color="blue" variant="light" icon={<InfoIcon />}>
          <Text size="sm">{t('webhooks.rotateModal.overlap')}</Text>
        </Alert>
        {rotate.error && (
          <ErrorAlert error={rotate.error} title={t('webhooks.rotateModal.failed')} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button loading={rotate.isPending} onClick={confirm}>
            {t('webhooks.rotateModal.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import { useState } from 'react';
import { Button, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dayBoundary } from '../logs/LogFilters';

/** Puts an endpoint's failed deliveries back in the queue, all or those of a period. */
export function ResendFailedModal(props: { webhook: Webhook; onClose: () => void }) {
  const { t } = useTranslation();
  const { webhook } = props;
  // yyyy-mm-dd from the date inputs, '' when unset.
  const [desde, setDesde] = useState('');
  const [hasta, setHasta] = useState('');
  const resend = useHandlerMutation('webhooks/resendFailed', ['webhooks']);

  const confirm = () => {
    const from = dayBoundary(desde, 'start');
    const until = dayBoundary(hasta, 'end');
    resend.mutate(
      {
        webhook: webhook.id,
        ...(from ? { desde: from } : {}),
        ...(until ? { hasta: until } : {}),
      },
      {
        onSuccess: ({ reenviadas }) => {
          notifications.show({
            color: reenviadas > 0 ? 'teal' : 'gray',
            message:
              reenviadas > 0
                ? t('deliveries.resendFailedModal.done', { count: reenviadas })
                : t('deliveries.resendFailedModal.none'),
          });
          props.onClose();
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={t('deliveries.resendFailedModal.title', { nombre: webhook.nombre })}
    >
      <Stack gap="md">
        <Text size="sm">{t('deliveries.resendFailedModal.help')}</Text>
        <Text size="sm" c="dimmed">
          {t('deliveries.resendFailedModal.range')}
        </Text>
        <SimpleGrid cols={2} spacing="md">
          <TextInput
            type="date"
            label={t('deliveries.resendFailedModal.desde')}
            value={desde}
            max={hasta || undefined}
            onChange={(e) => setDesde(e.currentTarget.value)}
          />
          <TextInput
            type="date"
            label={t('deliveries.resendFailedModal.hasta')}
            value={hasta}
            min={desde || undefined}
            onChange={(e) => setHasta(e.currentTarget.value)}
          />
        </SimpleGrid>
        {resend.error && (
          <ErrorAlert error={resend.error} title={t('deliveries.resendFailedModal.failed')} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color="orange" loading={resend.isPending} onClick={confirm}>
            {t('deliveries.resendFailedModal.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Movement } from '../../../../shared/domain';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { nullableText } from '../../forms';
import { useFormatters } from '../../format';

export function RejectMovementModal(props: { movement: Movement; onClose: () => void }) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const { movement } = props;
  const [reason, setReason] = useState('');
  const reject = useHandlerMutation('inventory/rejectMovement', ['inventory', 'app']);
  const errors = fieldErrors(reject.error);
  const unplacedError = formLevelError(reject.error, ['motivo']);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    reject.mutate(
      { id: movement.id, motivo: nullableText(reason) },
      {
        onSuccess: () => {
          notifications.show({
            color: 'gray',
            message: t('pending.rejected', { id: movement.id }),
          });
          props.onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={props.onClose} title={t('pending.rejectTitle', { id: movement.id })}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">
            {t('pending.rejectSummary', {
              tipo: t(`movementType.${movement.tipo}`),
              cantidad: number(movement.cantidad),
              codigo: movement.codigo,
              almacen: movement.almacen,
            })}
          </Text>
          {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}
          <Textarea
            label={t('pending.reason')}
            description={t('pending.reasonHelp')}
            data-autofocus
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.motivo}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={reject.isPending}>
              {t('pending.rejectConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

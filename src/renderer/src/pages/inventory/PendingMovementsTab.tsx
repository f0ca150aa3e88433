import { useState } from 'react';
import { Button, Group, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Movement } from '../../../../shared/domain';
import { useHandlerMutation, useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { CheckIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { MovementCells, MovementHeaderCells } from './MovementCells';
import { RejectMovementModal } from './RejectMovementModal';

/** Movements waiting for approval; approving one is what changes the stock. */
export function PendingMovementsTab() {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const paging = usePaging();
  const [rejecting, setRejecting] = useState<Movement | null>(null);
  // The refusal stays on screen until dismissed: "not enough stock" must not vanish unread.
  const [approveFailure, setApproveFailure] = useState<{
    movement: Movement;
    error: unknown;
  } | null>(null);

  const movements = useHandlerQuery(
    'inventory/listMovements',
    { estado: 'PENDIENTE', page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );
  const approve = useHandlerMutation('inventory/approveMovement', ['inventory', 'app']);

  const onApprove = (movement: Movement) => {
    setApproveFailure(null);
    approve.mutate(
      { id: movement.id },
      {
        onSuccess: (approved) =>
          notifications.show({
            color: 'teal',
            message: t('pending.approved', {
              id: approved.id,
              codigo: approved.codigo,
              stock: number(approved.stock_resultante),
            }),
          }),
        onError: (error) => setApproveFailure({ movement, error }),
      },
    );
  };

  return (
    <>
      {approveFailure && (
        <ErrorAlert
          title={t('pending.approveFailed', { id: approveFailure.movement.id })}
          error={approveFailure.error}
          onClose={() => setApproveFailure(null)}
        />
      )}
      <QueryStates
        query={movements}
        empty={{
          icon: <CheckIcon size={28} />,
          variant: 'light',
          title: t('pending.empty.title'),
          description: t('pending.empty.description'),
        }}
      >
        {(data) => (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {t('pending.help')}
            </Text>
            <Table.ScrollContainer minWidth={860} type="native">
              <Table striped highlightOnHover aria-label={t('pending.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <MovementHeaderCells />
                    <Table.Th>{t('movements.fields.referencia')}</Table.Th>
                    <Table.Th ta="right">{t('common.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((movement) => (
                    <Table.Tr key={movement.id}>
                      <MovementCells movement={movement} />
                      <Table.Td c={movement.referencia ? undefined : 'dimmed'}>
                        {movement.referencia ?? '—'}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button
                            size="compact-sm"
                            color="teal"
                            aria-label={t('pending.approveLabel', { id: movement.id })}
                            loading={approve.isPending && approve.variables?.id === movement.id}
                            onClick={() => onApprove(movement)}
                          >
                            {t('pending.approve')}
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="light"
                            color="red"
                            aria-label={t('pending.rejectLabel', { id: movement.id })}
                            onClick={() => setRejecting(movement)}
                          >
                            {t('pending.reject')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TablePager paging={paging} total={data.total} />
          </>
        )}
      </QueryStates>

      {rejecting && <RejectMovementModal movement={rejecting} onClose={() => setRejecting(null)} />}
    </>
  );
}

import { useState } from 'react';
import { Button, EmptyState, Group, Loader, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Movement } from '../../../../shared/domain';
import { useHandlerMutation, useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MovementTypeBadge } from '../../components/StatusBadges';
import { TablePager } from '../../components/TablePager';
import { CheckIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ArticleCell } from './ArticleCell';
import { MovementDateCell } from './MovementDateCell';
import { RejectMovementModal } from './RejectMovementModal';

/** Movements waiting for approval; approving one is what changes the stock. */
export function PendingMovementsTab() {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [rejecting, setRejecting] = useState<Movement | null>(null);
  // The refusal stays on screen until dismissed: "not enough stock" must not vanish unread.
  const [approveFailure, setApproveFailure] = useState<{
    movement: Movement;
    error: unknown;
  } | null>(null);

  const movements = useHandlerQuery(
    'inventory/listMovements',
    { estado: 'PENDIENTE', page, page_size: pageSize },
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
      {movements.isError && (
        <ErrorAlert error={movements.error} onRetry={() => movements.refetch()} />
      )}
      {movements.isPending && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}

      {movements.data?.total === 0 && (
        <EmptyState
          py="xl"
          icon={<CheckIcon size={28} />}
          variant="light"
          title={t('pending.empty.title')}
          description={t('pending.empty.description')}
        />
      )}

      {movements.data && movements.data.total > 0 && (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            {t('pending.help')}
          </Text>
          <Table.ScrollContainer minWidth={860} type="native">
            <Table striped highlightOnHover aria-label={t('pending.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('movements.fields.fecha')}</Table.Th>
                  <Table.Th>{t('movements.fields.tipo')}</Table.Th>
                  <Table.Th>{t('movements.fields.articulo')}</Table.Th>
                  <Table.Th ta="right">{t('movements.fields.cantidad')}</Table.Th>
                  <Table.Th>{t('movements.fields.almacen')}</Table.Th>
                  <Table.Th>{t('movements.fields.referencia')}</Table.Th>
                  <Table.Th ta="right">{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {movements.data.items.map((movement) => (
                  <Table.Tr key={movement.id}>
                    <Table.Td>
                      <MovementDateCell movement={movement} />
                    </Table.Td>
                    <Table.Td>
                      <MovementTypeBadge type={movement.tipo} />
                    </Table.Td>
                    <Table.Td>
                      <ArticleCell record={movement} />
                    </Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {number(movement.cantidad)}
                    </Table.Td>
                    <Table.Td>{movement.almacen}</Table.Td>
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
          <TablePager
            page={page}
            pageSize={pageSize}
            total={movements.data.total}
            onPageChange={setPage}
            onPageSizeChange={(size) => {
              setPageSize(size);
              setPage(1);
            }}
          />
        </>
      )}

      {rejecting && <RejectMovementModal movement={rejecting} onClose={() => setRejecting(null)} />}
    </>
  );
}

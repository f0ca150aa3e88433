import { useState } from 'react';
import { EmptyState, Group, Loader, SegmentedControl, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MOVEMENT_STATES, type MovementState } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MovementStateBadge, MovementTypeBadge } from '../../components/StatusBadges';
import { TablePager } from '../../components/TablePager';
import { ListIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ArticleCell } from './ArticleCell';
import { MovementDateCell } from './MovementDateCell';

type StateFilter = MovementState | 'ALL';

/** Every movement, newest first, with what it did to the stock once approved. */
export function MovementHistoryTab() {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const [state, setState] = useState<StateFilter>('ALL');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);

  const movements = useHandlerQuery(
    'inventory/listMovements',
    { ...(state === 'ALL' ? {} : { estado: state }), page, page_size: pageSize },
    { paged: true },
  );

  return (
    <>
      <Group mb="md" gap="sm">
        <Text size="sm" fw={500} id="history-state-label">
          {t('history.stateFilter')}
        </Text>
        <SegmentedControl
          aria-labelledby="history-state-label"
          size="sm"
          value={state}
          onChange={(value) => {
            setState(value as StateFilter);
            setPage(1);
          }}
          data={[
            { value: 'ALL', label: t('history.allStates') },
            ...MOVEMENT_STATES.map((value) => ({ value, label: t(`movementState.${value}`) })),
          ]}
        />
      </Group>

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
          icon={<ListIcon size={28} />}
          withIndicatorBackground
          title={t('history.empty.title')}
          description={
            state === 'ALL' ? t('history.empty.description') : t('history.empty.filtered')
          }
        />
      )}

      {movements.data && movements.data.total > 0 && (
        <>
          <Table.ScrollContainer minWidth={900} type="native">
            <Table striped highlightOnHover aria-label={t('history.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('movements.fields.fecha')}</Table.Th>
                  <Table.Th>{t('movements.fields.tipo')}</Table.Th>
                  <Table.Th>{t('movements.fields.articulo')}</Table.Th>
                  <Table.Th ta="right">{t('movements.fields.cantidad')}</Table.Th>
                  <Table.Th>{t('movements.fields.almacen')}</Table.Th>
                  <Table.Th ta="right">{t('history.stockChange')}</Table.Th>
                  <Table.Th>{t('movements.fields.estado')}</Table.Th>
                  <Table.Th>{t('movements.fields.referencia')}</Table.Th>
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
                    <Table.Td
                      ta="right"
                      c={movement.stock_resultante === null ? 'dimmed' : undefined}
                    >
                      {movement.stock_resultante === null
                        ? '—'
                        : `${number(movement.stock_anterior)} → ${number(movement.stock_resultante)}`}
                    </Table.Td>
                    <Table.Td>
                      <MovementStateBadge state={movement.estado} />
                      {movement.motivo_rechazo && (
                        <Text size="xs" c="dimmed" mt={2} maw={220} lineClamp={2}>
                          {t('history.rejectReason', { motivo: movement.motivo_rechazo })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td c={movement.referencia ? undefined : 'dimmed'}>
                      {movement.referencia ?? '—'}
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
    </>
  );
}

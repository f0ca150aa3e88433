import { useState } from 'react';
import { Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MOVEMENT_STATES, type MovementState } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import { MovementStateBadge } from '../../components/StatusBadges';
import { TablePager } from '../../components/TablePager';
import { ListIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { MovementCells, MovementHeaderCells } from './MovementCells';

type StateFilter = MovementState | 'ALL';

/** Every movement, newest first, with what it did to the stock once approved. */
export function MovementHistoryTab() {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const [state, setState] = useState<StateFilter>('ALL');
  const paging = usePaging();

  const movements = useHandlerQuery(
    'inventory/listMovements',
    {
      ...(state === 'ALL' ? {} : { estado: state }),
      page: paging.page,
      page_size: paging.pageSize,
    },
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
            paging.setPage(1);
          }}
          data={[
            { value: 'ALL', label: t('history.allStates') },
            ...MOVEMENT_STATES.map((value) => ({ value, label: t(`movementState.${value}`) })),
          ]}
        />
      </Group>

      <QueryStates
        query={movements}
        empty={{
          icon: <ListIcon size={28} />,
          withIndicatorBackground: true,
          title: t('history.empty.title'),
          description:
            state === 'ALL' ? t('history.empty.description') : t('history.empty.filtered'),
        }}
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={900} type="native">
              <Table striped highlightOnHover aria-label={t('history.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <MovementHeaderCells />
                    <Table.Th ta="right">{t('history.stockChange')}</Table.Th>
                    <Table.Th>{t('movements.fields.estado')}</Table.Th>
                    <Table.Th>{t('movements.fields.referencia')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((movement) => (
                    <Table.Tr key={movement.id}>
                      <MovementCells movement={movement} />
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
            <TablePager paging={paging} total={data.total} />
          </>
        )}
      </QueryStates>
    </>
  );
}

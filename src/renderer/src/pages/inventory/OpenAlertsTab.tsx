import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { CheckIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { ArticleCell } from './ArticleCell';

/** Stock levels under their minimum; an alert closes by itself when stock recovers. */
export function OpenAlertsTab() {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const paging = usePaging();

  const alerts = useHandlerQuery(
    'inventory/listAlerts',
    { estado: 'ABIERTA', page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );

  return (
    <QueryStates
      query={alerts}
      empty={{
        icon: <CheckIcon size={28} />,
        variant: 'light',
        title: t('alerts.empty.title'),
        description: t('alerts.empty.description'),
      }}
    >
      {(data) => (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            {t('alerts.help')}
          </Text>
          <Table.ScrollContainer minWidth={700} type="native">
            <Table striped highlightOnHover aria-label={t('alerts.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('alerts.fields.articulo')}</Table.Th>
                  <Table.Th>{t('alerts.fields.almacen')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.fields.cantidad_actual')}</Table.Th>
                  <Table.Th ta="right">{t('alerts.fields.umbral_minimo')}</Table.Th>
                  <Table.Th>{t('alerts.fields.desde')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((alert) => (
                  <Table.Tr key={alert.id}>
                    <Table.Td>
                      <ArticleCell record={alert} />
                    </Table.Td>
                    <Table.Td>{alert.almacen}</Table.Td>
                    <Table.Td ta="right" fw={600} c="red.7">
                      {number(alert.cantidad_actual)}
                    </Table.Td>
                    <Table.Td ta="right">{number(alert.umbral_minimo)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {dateTime(alert.fecha_creacion)}
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
  );
}

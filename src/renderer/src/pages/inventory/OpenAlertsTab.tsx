import { useState } from 'react';
import { EmptyState, Group, Loader, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TablePager } from '../../components/TablePager';
import { CheckIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ArticleCell } from './ArticleCell';

/** Stock levels under their minimum; an alert closes by itself when stock recovers. */
export function OpenAlertsTab() {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);

  const alerts = useHandlerQuery(
    'inventory/listAlerts',
    { estado: 'ABIERTA', page, page_size: pageSize },
    { paged: true },
  );

  return (
    <>
      {alerts.isError && <ErrorAlert error={alerts.error} onRetry={() => alerts.refetch()} />}
      {alerts.isPending && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {alerts.data?.total === 0 && (
        <EmptyState
          py="xl"
          icon={<CheckIcon size={28} />}
          variant="light"
          title={t('alerts.empty.title')}
          description={t('alerts.empty.description')}
        />
      )}
      {alerts.data && alerts.data.total > 0 && (
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
                {alerts.data.items.map((alert) => (
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
          <TablePager
            page={page}
            pageSize={pageSize}
            total={alerts.data.total}
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

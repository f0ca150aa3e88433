import { useState } from 'react';
import { EmptyState, Group, Loader, Paper } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { TablePager } from '../../components/TablePager';
import { ListIcon, SearchIcon } from '../../components/icons';
import {
  LogFilters,
  NO_LOG_FILTERS,
  dayBoundary,
  hasLogFilters,
  type LogFilterValues,
} from './LogFilters';
import { LogTable } from './LogTable';

/** The integration log: every API call, webhook delivery, ERP sync and import, newest first. */
export function LogsPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<LogFilterValues>(NO_LOG_FILTERS);
  const [texto] = useDebouncedValue(filters.texto.trim(), 300);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);

  const desde = dayBoundary(filters.desde, 'start');
  const hasta = dayBoundary(filters.hasta, 'end');
  const logs = useHandlerQuery(
    'logs/list',
    {
      ...(filters.sistema ? { sistema: filters.sistema } : {}),
      ...(filters.tipo ? { tipo: filters.tipo } : {}),
      ...(filters.estado ? { estado: filters.estado } : {}),
      ...(texto ? { texto } : {}),
      ...(desde ? { desde } : {}),
      ...(hasta ? { hasta } : {}),
      page,
      page_size: pageSize,
    },
    { paged: true },
  );

  const filtered = hasLogFilters(filters);

  return (
    <>
      <PageHeader title={t('logs.title')} description={t('logs.description')} />
      <Paper withBorder radius="md" p="md">
        <LogFilters
          values={filters}
          onChange={(values) => {
            setFilters(values);
            setPage(1);
          }}
        />
        {logs.isError && <ErrorAlert error={logs.error} onRetry={() => logs.refetch()} />}
        {logs.isPending && (
          <Group justify="center" py="xl">
            <Loader aria-label={t('common.loading')} />
          </Group>
        )}
        {logs.data?.total === 0 &&
          (filtered ? (
            <EmptyState
              py="xl"
              icon={<SearchIcon size={28} />}
              withIndicatorBackground
              title={t('logs.noResults.title')}
              description={t('logs.noResults.description')}
            />
          ) : (
            <EmptyState
              py="xl"
              icon={<ListIcon size={28} />}
              variant="light"
              title={t('logs.empty.title')}
              description={t('logs.empty.description')}
            />
          ))}
        {logs.data && logs.data.total > 0 && (
          <>
            <LogTable entries={logs.data.items} />
            <TablePager
              page={page}
              pageSize={pageSize}
              total={logs.data.total}
              onPageChange={setPage}
              onPageSizeChange={(size) => {
                setPageSize(size);
                setPage(1);
              }}
            />
          </>
        )}
      </Paper>
    </>
  );
}

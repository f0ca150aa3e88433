import { useState } from 'react';
import { Paper } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { PageHeader } from '../../components/PageHeader';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { ListIcon, SearchIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import {
  LogFilters,
  NO_LOG_FILTERS,
  dayBoundary,
  hasLogFilters,
  type LogFilterValues,
} from './LogFilters';
import { LogTable } from './LogTable';

/** The integration log: every API call, webhook delivery, ERP sync and import, newest first. */
export function LogsPage(props: { initialFilters?: LogFilterValues }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<LogFilterValues>(props.initialFilters ?? NO_LOG_FILTERS);
  const [texto] = useDebouncedValue(filters.texto.trim(), 300);
  const paging = usePaging(50);

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
      page: paging.page,
      page_size: paging.pageSize,
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
            paging.setPage(1);
          }}
        />
        <QueryStates
          query={logs}
          empty={
            filtered
              ? {
                  icon: <SearchIcon size={28} />,
                  withIndicatorBackground: true,
                  title: t('logs.noResults.title'),
                  description: t('logs.noResults.description'),
                }
              : {
                  icon: <ListIcon size={28} />,
                  variant: 'light',
                  title: t('logs.empty.title'),
                  description: t('logs.empty.description'),
                }
          }
        >
          {(data) => (
            <>
              <LogTable entries={data.items} />
              <TablePager paging={paging} total={data.total} />
            </>
          )}
        </QueryStates>
      </Paper>
    </>
  );
}

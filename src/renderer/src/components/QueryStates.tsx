import type { ReactNode } from 'react';
import { EmptyState, Group, Loader, type EmptyStateProps } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';

/**
 * What a list query shows besides its rows: the failure with a retry, the first load, or the
 * empty state. `children` renders the rows once there is at least one.
 */
export function QueryStates<T extends { total: number }>(props: {
  query: UseQueryResult<T, unknown>;
  empty: EmptyStateProps;
  /** Less room around the loader and the empty state, for narrow places such as a drawer. */
  compact?: boolean;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  const { query, compact } = props;
  return (
    <>
      {query.isError && <ErrorAlert error={query.error} onRetry={() => query.refetch()} />}
      {query.isPending && (
        <Group justify="center" py={compact ? 'md' : 'xl'}>
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {query.data?.total === 0 && <EmptyState py={compact ? undefined : 'xl'} {...props.empty} />}
      {query.data && query.data.total > 0 && props.children(query.data)}
    </>
  );
}

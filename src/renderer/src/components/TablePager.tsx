import { Group, Pagination, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../format';
import type { Paging } from './usePaging';

export const PAGE_SIZES = [25, 50, 100] as const;

/** Range text, page buttons and page size under a server-side paged table. */
export function TablePager({ paging, total }: { paging: Paging; total: number }) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const { page, pageSize } = paging;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);

  return (
    <Group justify="space-between" mt="md" gap="sm">
      <Text size="sm" c="dimmed">
        {t('pager.range', { first: number(first), last: number(last), total: number(total) })}
      </Text>
      <Group gap="md">
        <Select
          aria-label={t('pager.pageSize')}
          size="xs"
          w={110}
          allowDeselect={false}
          data={PAGE_SIZES.map((size) => ({
            value: String(size),
            label: t('pager.perPage', { count: size }),
          }))}
          value={String(pageSize)}
          onChange={(value) => value && paging.onPageSizeChange(Number(value))}
        />
        {pages > 1 && (
          <Pagination
            size="sm"
            total={pages}
            value={page}
            onChange={paging.setPage}
            getItemProps={(item) => ({ 'aria-label': t('pager.page', { page: item }) })}
            getControlProps={(control) => ({ 'aria-label': t(`pager.${control}`) })}
          />
        )}
      </Group>
    </Group>
  );
}

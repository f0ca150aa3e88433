import { useState } from 'react';
import {
  Button,
  EmptyState,
  type EmptyStateProps,
  Group,
  Loader,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { ArticleSummary } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import { LowStockBadge } from '../../components/StatusBadges';
import { TablePager } from '../../components/TablePager';
import { BoxIcon, PlusIcon, SearchIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';

const SEARCH_DEBOUNCE_MS = 300;

export function ArticlesTab(props: {
  onCreate: () => void;
  onEdit: (article: ArticleSummary) => void;
  onRegisterMovement: (article: ArticleSummary) => void;
  onShowStock: (article: ArticleSummary) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [onlyLowStock, setOnlyLowStock] = useState(false);
  const paging = usePaging();

  const articles = useHandlerQuery(
    'inventory/listArticles',
    {
      ...(debouncedSearch ? { texto: debouncedSearch } : {}),
      ...(onlyLowStock ? { solo_bajo_minimo: true } : {}),
      page: paging.page,
      page_size: paging.pageSize,
    },
    { paged: true },
  );

  const filtered = Boolean(debouncedSearch) || onlyLowStock;
  const clearFilters = () => {
    setSearch('');
    setOnlyLowStock(false);
    paging.setPage(1);
  };
  const noResults: EmptyStateProps = {
    icon: <SearchIcon size={28} />,
    withIndicatorBackground: true,
    title: t('articles.noResults.title'),
    description: t('articles.noResults.description'),
    children: (
      <EmptyState.Actions>
        <Button variant="default" onClick={clearFilters}>
          {t('common.clearFilters')}
        </Button>
      </EmptyState.Actions>
    ),
  };
  const noArticles: EmptyStateProps = {
    icon: <BoxIcon size={28} />,
    variant: 'light',
    title: t('articles.empty.title'),
    description: t('articles.empty.description'),
    children: (
      <EmptyState.Actions>
        <Button leftSection={<PlusIcon />} onClick={props.onCreate}>
          {t('articles.new')}
        </Button>
      </EmptyState.Actions>
    ),
  };

  return (
    <>
      <Group justify="space-between" mb="md" gap="md">
        <TextInput
          aria-label={t('articles.search')}
          placeholder={t('articles.searchPlaceholder')}
          leftSection={<SearchIcon size={16} />}
          rightSection={articles.isFetching ? <Loader size={14} /> : null}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            paging.setPage(1);
          }}
          w={{ base: '100%', sm: 360 }}
        />
        <Switch
          label={t('articles.onlyLowStock')}
          checked={onlyLowStock}
          onChange={(event) => {
            setOnlyLowStock(event.currentTarget.checked);
            paging.setPage(1);
          }}
        />
      </Group>

      <QueryStates query={articles} empty={filtered ? noResults : noArticles}>
        {(data) => (
          <>
            <ArticlesTable articles={data.items} {...props} />
            <TablePager paging={paging} total={data.total} />
          </>
        )}
      </QueryStates>
    </>
  );
}

function ArticlesTable(props: {
  articles: ArticleSummary[];
  onEdit: (article: ArticleSummary) => void;
  onRegisterMovement: (article: ArticleSummary) => void;
  onShowStock: (article: ArticleSummary) => void;
}) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  return (
    <Table.ScrollContainer minWidth={900} type="native">
      <Table striped highlightOnHover aria-label={t('articles.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('articles.fields.codigo')}</Table.Th>
            <Table.Th>{t('articles.fields.nombre')}</Table.Th>
            <Table.Th>{t('articles.fields.material')}</Table.Th>
            <Table.Th ta="right">{t('articles.fields.diametro')}</Table.Th>
            <Table.Th>{t('articles.fields.unidad')}</Table.Th>
            <Table.Th ta="right">{t('articles.fields.stock_minimo')}</Table.Th>
            <Table.Th ta="right">{t('articles.stockTotal')}</Table.Th>
            <Table.Th ta="right">{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.articles.map((article) => {
            const low = article.alertas_abiertas > 0;
            return (
              <Table.Tr key={article.id}>
                <Table.Td>
                  <Text fw={600} size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {article.codigo}
                  </Text>
                </Table.Td>
                {/* Long names wrap, but never into a one-word-per-line column. */}
                <Table.Td miw={180}>{article.nombre}</Table.Td>
                <Table.Td miw={120} c={article.material ? undefined : 'dimmed'}>
                  {article.material ?? '—'}
                </Table.Td>
                <Table.Td ta="right">{number(article.diametro)}</Table.Td>
                <Table.Td>{article.unidad}</Table.Td>
                <Table.Td ta="right">{number(article.stock_minimo)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    {low && <LowStockBadge />}
                    {/* The total opens its breakdown per almacén. */}
                    <Tooltip label={t('articles.actions.stockOf', { codigo: article.codigo })}>
                      <UnstyledButton
                        aria-label={t('articles.actions.stockOf', { codigo: article.codigo })}
                        onClick={() => props.onShowStock(article)}
                        fw={700}
                        fz="sm"
                        c={low ? 'red.7' : 'teal.8'}
                        td="underline"
                        style={{ textDecorationStyle: 'dotted', textUnderlineOffset: 4 }}
                      >
                        {number(article.stock_total)}
                      </UnstyledButton>
                    </Tooltip>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      aria-label={t('articles.actions.movementFor', { codigo: article.codigo })}
                      onClick={() => props.onRegisterMovement(article)}
                    >
                      {t('articles.actions.movement')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      aria-label={t('articles.actions.editOf', { codigo: article.codigo })}
                      onClick={() => props.onEdit(article)}
                    >
                      {t('common.edit')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

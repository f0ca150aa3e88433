import { Button, Drawer, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ArticleSummary } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import { LowStockBadge } from '../../components/StatusBadges';
import { BoxIcon, ExchangeIcon } from '../../components/icons';
import { useFormatters } from '../../format';

// An article is kept in a handful of almacenes; one page of the largest size shows them all.
const WAREHOUSES_PAGE_SIZE = 500;

/** Per-almacén stock of one article. */
export function StockDrawer(props: {
  article: ArticleSummary | null;
  onClose: () => void;
  onRegisterMovement: (article: ArticleSummary) => void;
}) {
  const { t } = useTranslation();
  const { article } = props;
  return (
    <Drawer
      opened={article !== null}
      onClose={props.onClose}
      position="right"
      size="md"
      title={article ? t('stock.title', { codigo: article.codigo }) : ''}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {article && <StockDetail article={article} onRegisterMovement={props.onRegisterMovement} />}
    </Drawer>
  );
}

function StockDetail(props: {
  article: ArticleSummary;
  onRegisterMovement: (article: ArticleSummary) => void;
}) {
  const { t } = useTranslation();
  const { number, dateTime } = useFormatters();
  // The row the drawer was opened from is a snapshot; the totals are re-read so they follow
  // approvals made while the drawer is open.
  const fresh = useHandlerQuery('inventory/getArticle', { id: props.article.id });
  const article = fresh.data ?? props.article;
  const stock = useHandlerQuery('inventory/listStock', {
    articulo: article.id,
    page: 1,
    page_size: WAREHOUSES_PAGE_SIZE,
  });

  return (
    <Stack gap="lg">
      <Text c="dimmed" size="sm">
        {article.nombre}
      </Text>
      <SimpleGrid cols={2} spacing="sm">
        <Figure
          label={t('articles.stockTotal')}
          value={`${number(article.stock_total)} ${article.unidad}`}
        />
        <Figure
          label={t('articles.fields.stock_minimo')}
          value={`${number(article.stock_minimo)} ${article.unidad}`}
        />
      </SimpleGrid>

      <QueryStates
        query={stock}
        compact
        empty={{
          size: 'sm',
          icon: <BoxIcon size={22} />,
          withIndicatorBackground: true,
          title: t('stock.empty.title'),
          description: t('stock.empty.description'),
        }}
      >
        {(data) => (
          <Table striped aria-label={t('stock.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('stock.fields.almacen')}</Table.Th>
                <Table.Th ta="right">{t('stock.fields.cantidad')}</Table.Th>
                <Table.Th>{t('stock.fields.actualizado')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((level) => (
                <Table.Tr key={level.almacen}>
                  <Table.Td>{level.almacen}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {level.bajo_minimo && <LowStockBadge />}
                      <Text fw={700} size="sm" c={level.bajo_minimo ? 'red.7' : undefined}>
                        {number(level.cantidad)}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {dateTime(level.fecha_actualizacion)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryStates>
      <Button
        variant="light"
        leftSection={<ExchangeIcon />}
        onClick={() => props.onRegisterMovement(article)}
      >
        {t('movements.register')}
      </Button>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={2} p="sm" bg="gray.0" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={700}>
        {value}
      </Text>
    </Stack>
  );
}

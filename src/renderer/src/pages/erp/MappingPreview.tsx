import { useState } from 'react';
import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ERP_ARTICLE_FIELDS, ERP_STOCK_FIELDS, type ErpPreview } from '../../../../shared/erp';
import { useFormatters } from '../../format';

// The columns are the stored names of the mapped fields: an article's ERP reference is kept as
// its `referencia_externa`.
const ARTICLE_COLUMNS = ERP_ARTICLE_FIELDS.map((field) =>
  field === 'referencia' ? 'referencia_externa' : field,
);

/** The first records of a list as the ERP sent them and as GSIH would store them. */
export function MappingPreview({ preview }: { preview: ErpPreview }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const [showOriginal, setShowOriginal] = useState(false);
  const columns = preview.tipo === 'articulos' ? ARTICLE_COLUMNS : ERP_STOCK_FIELDS;
  const failed = preview.registros.filter((r) => r.error !== null).length;

  const cell = (column: string, value: unknown) => {
    if (value === null || value === undefined) return <Text c="dimmed">—</Text>;
    if (column === 'modificado' && typeof value === 'string') return dateTime(value);
    if (typeof value === 'number') return number(value);
    return String(value);
  };

  return (
    <Stack gap="sm" aria-label={t('erp.form.preview.resultLabel')} role="region">
      <Text size="sm">
        {t('erp.form.preview.summary', {
          count: preview.registros.length,
          failed,
          pagination: t(`erp.paginations.${preview.paginacion}.label`),
        })}
      </Text>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {t('erp.form.preview.asked')} <Code>{preview.url}</Code>
      </Text>
      {preview.registros.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('erp.form.preview.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720} type="native">
          <Table
            withTableBorder
            striped
            fz="sm"
            verticalSpacing={6}
            aria-label={t('erp.form.preview.tableLabel')}
          >
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column}>{t(`erp.form.preview.columns.${column}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.registros.map((record, i) =>
                record.mapeado ? (
                  <Table.Tr key={i}>
                    {columns.map((column) => (
                      <Table.Td key={column}>{cell(column, record.mapeado?.[column])}</Table.Td>
                    ))}
                  </Table.Tr>
                ) : (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={columns.length}>
                      <Group gap="xs" wrap="nowrap">
                        <Badge color="red" variant="light" style={{ textTransform: 'none' }}>
                          {t('erp.form.preview.recordError')}
                        </Badge>
                        <Text size="sm" c="red.8">
                          {record.error}
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {preview.campos.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('erp.form.preview.fields')}{' '}
          {preview.campos.map((campo) => (
            <Code key={campo} mr={4}>
              {campo}
            </Code>
          ))}
        </Text>
      )}
      {preview.registros.length > 0 && (
        <div>
          <Button variant="subtle" size="compact-xs" onClick={() => setShowOriginal((v) => !v)}>
            {showOriginal ? t('erp.form.preview.hideOriginal') : t('erp.form.preview.showOriginal')}
          </Button>
          {showOriginal && (
            <Code block mt="xs" mah={240} style={{ overflow: 'auto' }}>
              {JSON.stringify(preview.registros[0]?.original, null, 2)}
            </Code>
          )}
        </div>
      )}
    </Stack>
  );
}

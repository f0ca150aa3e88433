import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportSummary } from '../../../../shared/imports';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ExpandableRow } from '../../components/ExpandableRow';
import { QueryStates } from '../../components/QueryStates';
import { Section } from '../../components/Section';
import { TablePager } from '../../components/TablePager';
import { AlertIcon, DownloadIcon, ListIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { delimiterKey, useImportFormat } from './importFormat';
import { IssuesTable } from './IssuesTable';
import { STATE_COLORS } from './ImportResult';
import { useRejectedReport } from './useRejectedReport';

const COUNT_COLUMNS = ['total', 'creados', 'actualizados', 'sin_cambios', 'rechazados'] as const;
const COLUMN_COUNT = 4 + COUNT_COLUMNS.length;

/** Every import and check, newest first; a row opens its options, reason and problems. */
export function ImportHistory() {
  const { t } = useTranslation();
  const paging = usePaging();
  const { dateTime } = useFormatters();
  const format = useImportFormat();
  const [open, setOpen] = useState<number | null>(null);
  const history = useHandlerQuery(
    'imports/list',
    { page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );

  return (
    <Section
      title={t('imports.history.title')}
      description={t('imports.history.help')}
      padding="md"
    >
      <QueryStates
        query={history}
        empty={{
          icon: <ListIcon size={28} />,
          variant: 'light',
          title: t('imports.history.empty.title'),
          description: t('imports.history.empty.description'),
        }}
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={960} type="native">
              <Table
                highlightOnHover
                horizontalSpacing="xs"
                aria-label={t('imports.history.tableLabel')}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={44} />
                    <Table.Th>{t('imports.history.archivo')}</Table.Th>
                    <Table.Th>{t('imports.history.fecha')}</Table.Th>
                    <Table.Th>{t('imports.history.estado')}</Table.Th>
                    {COUNT_COLUMNS.map((column) => (
                      <Table.Th key={column} ta="right">
                        {t(`imports.history.${column}`)}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((item) => {
                    const isOpen = open === item.id;
                    const detailId = `import-${item.id}-detalle`;
                    return (
                      <ExpandableRow
                        key={item.id}
                        open={isOpen}
                        onToggle={() => setOpen(isOpen ? null : item.id)}
                        label={t('imports.history.details', { id: item.id })}
                        detailId={detailId}
                        columns={COLUMN_COUNT}
                        detail={<ImportDetail summary={item} />}
                        detailCellProps={{ p: 'md' }}
                      >
                        <Table.Td miw={200} maw={320}>
                          <Text size="sm" fw={500} style={{ overflowWrap: 'break-word' }}>
                            {item.archivo}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t(`imports.kinds.${item.tipo}`)}
                          </Text>
                        </Table.Td>
                        <Table.Td miw={170}>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {dateTime(item.fecha_inicio)}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {item.usuario} · {t(`imports.history.origin.${item.origen}`)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Stack gap={4} align="flex-start">
                            <Badge
                              variant="light"
                              color={STATE_COLORS[item.estado]}
                              style={{ textTransform: 'none', minWidth: 'max-content' }}
                            >
                              {t(`imports.states.${item.estado}`)}
                            </Badge>
                            {item.simulacion && (
                              <Badge
                                variant="outline"
                                color="gray"
                                style={{ textTransform: 'none', minWidth: 'max-content' }}
                              >
                                {t('imports.history.dryRun')}
                              </Badge>
                            )}
                          </Stack>
                        </Table.Td>
                        {COUNT_COLUMNS.map((column) => (
                          <Table.Td
                            key={column}
                            ta="right"
                            style={{ whiteSpace: 'nowrap' }}
                            c={column === 'rechazados' && item.rechazados > 0 ? 'red.8' : undefined}
                          >
                            {format.count(item[column])}
                          </Table.Td>
                        ))}
                      </ExpandableRow>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TablePager paging={paging} total={data.total} />
          </>
        )}
      </QueryStates>
    </Section>
  );
}

function ImportDetail({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const { duration } = useFormatters();
  const report = useRejectedReport();
  const options = [
    summary.opciones.omitir_errores
      ? t('imports.history.skipErrors')
      : t('imports.history.allOrNothing'),
    ...(summary.opciones.sumar ? [t('imports.history.add')] : []),
  ];
  const d = summary.deteccion;
  return (
    <Stack gap="sm">
      {summary.error && (
        <Alert color={STATE_COLORS[summary.estado]} variant="light" icon={<AlertIcon />}>
          {summary.error}
        </Alert>
      )}
      <Group gap="xl">
        <Text size="sm">
          <Text span c="dimmed">
            {t('imports.history.options')}:{' '}
          </Text>
          {options.join(', ')}
        </Text>
        {summary.duracion_ms !== null && (
          <Text size="sm">
            <Text span c="dimmed">
              {t('imports.history.duration')}:{' '}
            </Text>
            {duration(summary.duracion_ms)}
          </Text>
        )}
        {d && (
          <Text size="sm" c="dimmed">
            {t('imports.report.readAs', {
              encoding: t(`imports.reading.encodings.${d.codificacion}`),
              delimiter: t(
                `imports.reading.delimiters.${delimiterKey(d.delimitador)}`,
              ).toLowerCase(),
            })}
          </Text>
        )}
        {summary.rechazadas_csv && (
          <Button
            size="compact-sm"
            variant="light"
            leftSection={<DownloadIcon size={14} />}
            loading={report.pendingId === summary.id}
            onClick={() => void report.fetch(summary)}
          >
            {report.label}
          </Button>
        )}
      </Group>
      {summary.errores + summary.advertencias > 0 && (
        <IssuesTable id={summary.id} stored={summary.errores + summary.advertencias} />
      )}
    </Stack>
  );
}

import { useState } from 'react';
import { Alert, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  ERP_RECORD_STATES,
  type ErpEntityResult,
  type ErpRecordState,
  type ErpRun,
  type ErpSyncKind,
} from '../../../../shared/erp';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ExpandableRow } from '../../components/ExpandableRow';
import { QueryStates } from '../../components/QueryStates';
import { Section } from '../../components/Section';
import { TablePager } from '../../components/TablePager';
import { AlertIcon, ListIcon, RefreshIcon, SyncIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { ErpRecordStateBadge, ErpRunStateBadge } from './ErpBadges';
import { useErpFormat } from './erpFormat';
import { useErpRetry } from './useErpRetry';

const COUNT_COLUMNS = ['creados', 'actualizados', 'sin_cambios', 'fallidos', 'enviados'] as const;
const COLUMN_COUNT = 5 + COUNT_COLUMNS.length;

/** Every run, newest first; a row opens what each entity did and the ledger rows it touched. */
export function ErpRunsTable() {
  const { t } = useTranslation();
  const paging = usePaging();
  const { dateTime, number, duration } = useFormatters();
  const { time } = useErpFormat();
  const [open, setOpen] = useState<number | null>(null);
  // Most runs end the day they start: the time says enough, and keeps the table narrow.
  const endOf = (start: string, end: string) =>
    new Date(start).toDateString() === new Date(end).toDateString() ? time(end) : dateTime(end);
  const runs = useHandlerQuery(
    'erp/runs',
    { page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );

  return (
    <Section title={t('erp.runs.title')} description={t('erp.runs.help')} padding="md">
      <QueryStates
        query={runs}
        empty={{
          icon: <SyncIcon size={28} />,
          variant: 'light',
          title: t('erp.runs.empty.title'),
          description: t('erp.runs.empty.description'),
        }}
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={960} type="native">
              <Table highlightOnHover horizontalSpacing="xs" aria-label={t('erp.runs.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={44} />
                    <Table.Th>{t('erp.runs.columns.inicio')}</Table.Th>
                    <Table.Th>{t('erp.runs.columns.fin')}</Table.Th>
                    <Table.Th>{t('erp.runs.columns.tipo')}</Table.Th>
                    {COUNT_COLUMNS.map((column) => (
                      <Table.Th key={column} ta="right">
                        {t(`erp.runs.columns.${column}`)}
                      </Table.Th>
                    ))}
                    <Table.Th>{t('erp.runs.columns.estado')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((run) => {
                    const id = run.id!;
                    const isOpen = open === id;
                    const detailId = `erp-run-${id}-detalle`;
                    return (
                      <ExpandableRow
                        key={id}
                        open={isOpen}
                        onToggle={() => setOpen(isOpen ? null : id)}
                        label={t('erp.runs.details', { id })}
                        detailId={detailId}
                        columns={COLUMN_COUNT}
                        detail={<RunDetail run={run} />}
                        detailCellProps={{ p: 'md' }}
                      >
                        <Table.Td miw={150}>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {dateTime(run.fecha_inicio)}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t(`erp.origins.${run.origen}`)}
                            {run.origen !== 'programada' && ` · ${run.usuario}`}
                          </Text>
                        </Table.Td>
                        <Table.Td miw={130}>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {run.fecha_fin ? endOf(run.fecha_inicio, run.fecha_fin) : '—'}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {duration(run.duracion_ms)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{t(`erp.runKinds.${run.tipo}`)}</Text>
                        </Table.Td>
                        {COUNT_COLUMNS.map((column) => (
                          <Table.Td
                            key={column}
                            ta="right"
                            c={column === 'fallidos' && run.fallidos > 0 ? 'red.8' : undefined}
                          >
                            {number(run[column])}
                          </Table.Td>
                        ))}
                        <Table.Td w={260}>
                          <Stack gap={4} align="flex-start">
                            <ErpRunStateBadge state={run.estado} />
                            {run.error && (
                              <Text size="xs" c="red.8" lineClamp={2} title={run.error}>
                                {run.error}
                              </Text>
                            )}
                          </Stack>
                        </Table.Td>
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

function EntityLine(props: {
  entity: ErpSyncKind;
  result: ErpEntityResult;
  /** The run's own reason, shown above: an entity's error that is part of it is not repeated. */
  runError: string | null;
}) {
  const { entity, result } = props;
  const { t } = useTranslation();
  const { number, dateTime } = useFormatters();
  const parts =
    entity === 'movimientos'
      ? [
          t('erp.runs.entity.toSend', { n: number(result.leidos) }),
          t('erp.runs.entity.sent', { n: number(result.enviados) }),
          t('erp.runs.entity.failed', { n: number(result.fallidos) }),
        ]
      : [
          t('erp.runs.entity.read', { n: number(result.leidos) }),
          t('erp.runs.entity.created', { n: number(result.creados) }),
          t('erp.runs.entity.updated', { n: number(result.actualizados) }),
          t('erp.runs.entity.same', { n: number(result.sin_cambios) }),
          t('erp.runs.entity.failed', { n: number(result.fallidos) }),
          ...(result.paginas > 0 ? [t('erp.runs.entity.pages', { count: result.paginas })] : []),
        ];
  return (
    <Stack gap={2}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {t(`erp.entities.${entity}`)}
        </Text>
        {result.estado === 'OMITIDA' ? (
          <Text size="sm" c="dimmed">
            {t('erp.runs.skippedBecause')}
          </Text>
        ) : (
          <>
            <ErpRunStateBadge state={result.estado} />
            <Text size="sm" c="dimmed">
              {parts.join(' · ')}
            </Text>
          </>
        )}
      </Group>
      {result.marca_hasta && entity !== 'movimientos' && result.estado !== 'OMITIDA' && (
        <Text size="xs" c="dimmed">
          {t('erp.runs.entity.watermark', { fecha: dateTime(result.marca_hasta) })}
        </Text>
      )}
      {result.error && !props.runError?.includes(result.error) && (
        <Text size="sm" c="red.8">
          {result.error}
        </Text>
      )}
    </Stack>
  );
}

function RunDetail({ run }: { run: ErpRun }) {
  const { t } = useTranslation();
  const entities = Object.entries(run.detalle) as Array<[ErpSyncKind, ErpEntityResult]>;
  return (
    <Stack gap="md">
      {run.error && (
        <Alert color="red" variant="light" icon={<AlertIcon />} title={t('erp.runs.whyFailed')}>
          {run.error}
        </Alert>
      )}
      {entities.length > 0 && (
        <Stack gap="xs">
          {entities.map(([entity, result]) => (
            <EntityLine key={entity} entity={entity} result={result} runError={run.error} />
          ))}
        </Stack>
      )}
      <RunLedger run={run.id!} />
    </Stack>
  );
}

type LedgerFilter = 'todos' | ErpRecordState;

/** GSIH's id of what a ledger row stored: `7` (article, movement) or `7@ALMACEN` (stock). */
function internalRef(ref: string | null): string {
  if (ref === null) return '—';
  const at = ref.indexOf('@');
  return at < 0 ? `#${ref}` : `#${ref.slice(0, at)} · ${ref.slice(at + 1)}`;
}

/** The ledger rows a run touched last, by state; a row in ERROR can be tried again. */
function RunLedger({ run }: { run: number }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const paging = usePaging();
  const [estado, setEstado] = useState<LedgerFilter>('todos');
  const ledger = useHandlerQuery(
    'erp/ledger',
    {
      ejecucion: run,
      ...(estado === 'todos' ? {} : { estado }),
      page: paging.page,
      page_size: paging.pageSize,
    },
    { paged: true },
  );
  const { mutation: retry, start: startRetry } = useErpRetry();

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {t('erp.ledger.title')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('erp.ledger.help')}
          </Text>
        </Stack>
        <SegmentedControl
          size="xs"
          aria-label={t('erp.ledger.filter')}
          value={estado}
          onChange={(value) => {
            setEstado(value as LedgerFilter);
            paging.setPage(1);
          }}
          data={[
            { value: 'todos', label: t('erp.ledger.all') },
            ...ERP_RECORD_STATES.map((state) => ({
              value: state,
              label: t(`erp.ledger.states.${state}`),
            })),
          ]}
        />
      </Group>
      <QueryStates
        query={ledger}
        compact
        empty={{
          icon: <ListIcon size={24} />,
          variant: 'light',
          title:
            estado === 'todos'
              ? t('erp.ledger.empty.title')
              : t('erp.ledger.empty.filteredTitle', {
                  estado: t(`erp.ledger.states.${estado}`).toLowerCase(),
                }),
          description: t('erp.ledger.empty.description'),
        }}
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={860} type="native">
              <Table
                fz="sm"
                striped
                verticalSpacing={6}
                bg="white"
                withTableBorder
                aria-label={t('erp.ledger.tableLabel', { id: run })}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('erp.ledger.columns.tipo')}</Table.Th>
                    <Table.Th>{t('erp.ledger.columns.externa')}</Table.Th>
                    <Table.Th>{t('erp.ledger.columns.interna')}</Table.Th>
                    <Table.Th>{t('erp.ledger.columns.estado')}</Table.Th>
                    <Table.Th>{t('erp.ledger.columns.error')}</Table.Th>
                    <Table.Th ta="right">{t('erp.ledger.columns.intentos')}</Table.Th>
                    <Table.Th>{t('erp.ledger.columns.fecha')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((entry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td>{t(`erp.recordKinds.${entry.tipo}`)}</Table.Td>
                      <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                        {entry.referencia_externa}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {internalRef(entry.referencia_interna)}
                      </Table.Td>
                      <Table.Td>
                        <ErpRecordStateBadge state={entry.estado} />
                      </Table.Td>
                      <Table.Td miw={300}>
                        <Text size="sm" c={entry.error ? 'red.8' : 'dimmed'}>
                          {entry.error ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">{number(entry.intentos)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(entry.fecha)}</Table.Td>
                      <Table.Td>
                        {entry.estado === 'ERROR' && (
                          <Button
                            size="compact-xs"
                            variant="light"
                            color="orange"
                            leftSection={<RefreshIcon size={12} />}
                            loading={retry.isPending && retry.variables?.ids?.[0] === entry.id}
                            onClick={() => startRetry([entry.id])}
                            aria-label={t('erp.retry.oneOf', { ref: entry.referencia_externa })}
                          >
                            {t('erp.retry.one')}
                          </Button>
                        )}
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
    </Stack>
  );
}

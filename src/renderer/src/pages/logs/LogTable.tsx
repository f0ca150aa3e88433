import { useState } from 'react';
import { Alert, Code, SimpleGrid, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LogEntry } from '../../../../shared/domain';
import { LogStateBadge } from '../../components/StatusBadges';
import { AlertIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ExpandableRow } from '../../components/ExpandableRow';

const COLUMN_COUNT = 7;

export function LogTable({ entries }: { entries: LogEntry[] }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());

  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Table.ScrollContainer minWidth={860} type="native">
      <Table highlightOnHover aria-label={t('logs.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <VisuallyHidden>{t('logs.details')}</VisuallyHidden>
            </Table.Th>
            <Table.Th>{t('logs.fields.fecha')}</Table.Th>
            <Table.Th>{t('logs.fields.sistema')}</Table.Th>
            <Table.Th>{t('logs.fields.tipo')}</Table.Th>
            <Table.Th>{t('logs.fields.estado')}</Table.Th>
            <Table.Th ta="right">{t('logs.fields.duracion')}</Table.Th>
            <Table.Th>{t('logs.fields.error')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => {
            const open = expanded.has(entry.id);
            const detailId = `log-detail-${entry.id}`;
            return (
              <ExpandableRow
                key={entry.id}
                open={open}
                onToggle={() => toggle(entry.id)}
                label={t('logs.toggleDetails', { id: entry.id })}
                detailId={detailId}
                columns={COLUMN_COUNT}
                detail={<LogDetail entry={entry} />}
              >
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(entry.fecha)}</Table.Td>
                <Table.Td fw={500}>{entry.sistema}</Table.Td>
                <Table.Td>{entry.tipo}</Table.Td>
                <Table.Td>
                  <LogStateBadge state={entry.estado} />
                </Table.Td>
                <Table.Td ta="right" c="dimmed">
                  {entry.duracion_ms === null ? '—' : `${number(entry.duracion_ms)} ms`}
                </Table.Td>
                <Table.Td maw={320}>
                  <Text size="sm" c="red.7" truncate="end">
                    {entry.error ?? ''}
                  </Text>
                </Table.Td>
              </ExpandableRow>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function LogDetail({ entry }: { entry: LogEntry }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" py="xs">
      {entry.error && (
        <Alert color="red" variant="light" icon={<AlertIcon />} title={t('logs.fields.error')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {entry.error}
          </Text>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <JsonBlock label={t('logs.fields.datos_enviados')} value={entry.datos_enviados} />
        <JsonBlock label={t('logs.fields.datos_recibidos')} value={entry.datos_recibidos} />
      </SimpleGrid>
    </Stack>
  );
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  const { t } = useTranslation();
  const empty = value === null || value === undefined;
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      {empty ? (
        <Text size="sm" c="dimmed">
          {t('logs.noData')}
        </Text>
      ) : (
        <Code block mah={320} style={{ overflow: 'auto' }} aria-label={label}>
          {prettyJson(value)}
        </Code>
      )}
    </Stack>
  );
}

function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    // Bodies that arrived as JSON text are shown parsed; anything else as it came.
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

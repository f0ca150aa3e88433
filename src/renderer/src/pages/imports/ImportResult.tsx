import type { ReactNode } from 'react';
import {
  Alert,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  type MantineColor,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportState, ImportSummary } from '../../../../shared/imports';
import { AlertIcon, CheckIcon, DownloadIcon, InfoIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { delimiterKey, useImportFormat } from './importFormat';
import { IssuesTable } from './IssuesTable';
import { useRejectedReport } from './useRejectedReport';

export const STATE_COLORS: Record<ImportState, MantineColor> = {
  EN_CURSO: 'blue',
  COMPLETADA: 'teal',
  RECHAZADA: 'red',
  CANCELADA: 'gray',
  FALLIDA: 'red',
};

/**
 * What an import did (or, for a check, would do): counts, how the file was read, its problems and
 * the rejected rows. `check`: the dry run's result, judged against the options chosen now.
 */
export function ImportResult(props: {
  summary: ImportSummary;
  check?: { skipErrors: boolean };
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const { duration } = useFormatters();
  const report = useRejectedReport();
  const { summary, check } = props;
  const problems = summary.errores + summary.advertencias;
  const valid = summary.creados + summary.actualizados + summary.sin_cambios;

  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={3} size="h4" c={check ? undefined : `${STATE_COLORS[summary.estado]}.8`}>
            {check ? t('imports.check.title') : t(`imports.report.titles.${summary.estado}`)}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.report.summary', {
              archivo: summary.archivo,
              tipo: t(`imports.kinds.${summary.tipo}`),
              total: format.count(summary.total),
              time: duration(summary.duracion_ms ?? 0),
            })}
            {/* A rate over less than a second says nothing. */}
            {summary.total > 0 &&
              (summary.duracion_ms ?? 0) >= 1000 &&
              ` · ${t('imports.report.rate', {
                rate: format.count((summary.total / (summary.duracion_ms ?? 1)) * 1000),
              })}`}
          </Text>
          <ReadAs summary={summary} />
        </Stack>

        {check ? (
          <CheckVerdict summary={summary} skipErrors={check.skipErrors} valid={valid} />
        ) : (
          summary.error && (
            <Alert
              color={STATE_COLORS[summary.estado]}
              variant="light"
              icon={<AlertIcon />}
              role="alert"
            >
              {summary.error}
            </Alert>
          )
        )}

        <CountsGrid summary={summary} wouldBe={Boolean(check) || summary.simulacion} />

        {problems > 0 && (
          <Stack gap="xs">
            <Group justify="space-between" align="flex-end">
              <Title order={4} size="h5">
                {t('imports.issues.title')}
              </Title>
              {summary.rechazadas_csv && (
                <Button
                  variant="light"
                  leftSection={<DownloadIcon size={16} />}
                  loading={report.pendingId === summary.id}
                  onClick={() => void report.fetch(summary)}
                >
                  {report.label}
                </Button>
              )}
            </Group>
            <IssuesTable id={summary.id} stored={problems} />
          </Stack>
        )}
        {props.actions && (
          <Group justify="flex-end" gap="sm">
            {props.actions}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function CheckVerdict(props: { summary: ImportSummary; skipErrors: boolean; valid: number }) {
  const { t } = useTranslation();
  const { summary, skipErrors, valid } = props;
  if (summary.rechazados === 0 && summary.estado === 'COMPLETADA') {
    return (
      <Alert color="teal" variant="light" icon={<CheckIcon />}>
        {t('imports.check.ok', { count: summary.total })}
      </Alert>
    );
  }
  if (summary.rechazados === 0 || valid === 0) {
    // The whole file was refused (unreadable, a column missing), or no row is valid.
    return (
      <Alert color="red" variant="light" icon={<AlertIcon />} role="alert">
        {summary.rechazados === 0 && summary.error ? summary.error : t('imports.check.nothing')}
      </Alert>
    );
  }
  return skipErrors ? (
    <Alert color="yellow" variant="light" icon={<InfoIcon />}>
      {t('imports.check.skipped', { count: summary.rechazados })}
    </Alert>
  ) : (
    <Alert color="red" variant="light" icon={<AlertIcon />} role="alert">
      {t('imports.check.refused', { count: summary.rechazados })}
    </Alert>
  );
}

function CountsGrid({ summary, wouldBe }: { summary: ImportSummary; wouldBe: boolean }) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const cells: Array<{ label: string; value: number; color?: MantineColor }> = [
    { label: t('imports.counts.total'), value: summary.total },
    {
      label: t(wouldBe ? 'imports.counts.wouldCreate' : 'imports.counts.created'),
      value: summary.creados,
      ...(summary.creados > 0 ? { color: 'teal.8' } : {}),
    },
    {
      label: t(wouldBe ? 'imports.counts.wouldUpdate' : 'imports.counts.updated'),
      value: summary.actualizados,
      ...(summary.actualizados > 0 ? { color: 'blue.8' } : {}),
    },
    { label: t('imports.counts.unchanged'), value: summary.sin_cambios },
    {
      label: t('imports.counts.rejected'),
      value: summary.rechazados,
      ...(summary.rechazados > 0 ? { color: 'red.8' } : {}),
    },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
      {cells.map((cell) => (
        <Paper
          key={cell.label}
          withBorder
          radius="md"
          p="sm"
          bg="gray.0"
          role="group"
          aria-label={cell.label}
        >
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {cell.label}
          </Text>
          <Text size="xl" fw={700} c={cell.color}>
            {format.count(cell.value)}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function ReadAs({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const d = summary.deteccion;
  if (!d) return null;
  const encoding = t(`imports.reading.encodings.${d.codificacion}`);
  const formats = [...new Set(Object.values(d.formato_numeros))].map((f) =>
    t(`imports.reading.formats.${f}`).toLowerCase(),
  );
  return (
    <Text size="sm" c="dimmed">
      {t('imports.report.readAs', {
        encoding: d.bom ? t('imports.reading.withBom', { encoding }) : encoding,
        delimiter: t(`imports.reading.delimiters.${delimiterKey(d.delimitador)}`).toLowerCase(),
      })}
      {formats.length > 0 && `; ${t('imports.report.numbersAs', { formats: formats.join(', ') })}`}
    </Text>
  );
}

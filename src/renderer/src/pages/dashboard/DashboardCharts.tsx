import { useId, useMemo, type ReactNode } from 'react';
import {
  Box,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  useMantineTheme,
  type MantineTheme,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Dashboard } from '../../../../shared/monitoring';
import { uiLocale, useFormatters } from '../../format';

// Loaded on its own (React.lazy) so recharts, most of the Panel's weight, is a chunk of its own
// and the app's first paint does not wait for it.

const CHART_HEIGHT = 260;

/** The Panel's three charts: sync runs and webhook deliveries side by side, API calls below. */
export default function DashboardCharts({ dashboard }: { dashboard: Dashboard }) {
  return (
    <>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <SyncRunsChart dashboard={dashboard} />
        <WebhookDeliveriesChart dashboard={dashboard} />
      </SimpleGrid>
      <ApiCallsChart dashboard={dashboard} />
    </>
  );
}

/** Tick and tooltip texts of a bucket start, in the UI's language and this machine's zone. */
function useBucketLabels(intervalo: Dashboard['intervalo'], rango: Dashboard['rango']) {
  const { i18n } = useTranslation();
  const locale = uiLocale(i18n.language);
  return useMemo(() => {
    const hour = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    const dayShort = new Intl.DateTimeFormat(
      locale,
      rango === '7d'
        ? { weekday: 'short', day: '2-digit', month: '2-digit' }
        : { day: '2-digit', month: '2-digit' },
    );
    const dayLong = new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    });
    const dateHour = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    return {
      tick: (iso: string) =>
        intervalo === 'hora' ? hour.format(new Date(iso)) : dayShort.format(new Date(iso)),
      tooltip: (iso: string) => {
        const start = new Date(iso);
        if (intervalo === 'dia') return dayLong.format(start);
        const end = new Date(start.getTime() + 3_600_000);
        return `${dateHour.format(start)} – ${hour.format(end)}`;
      },
    };
  }, [locale, intervalo, rango]);
}

/** A chart with its title, what it shows, and a sentence instead of the chart when it is empty. */
function ChartPanel(props: {
  title: string;
  description: string;
  summary: string;
  empty: string | null;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <Paper withBorder radius="md" p="md" component="figure" m={0} aria-labelledby={captionId}>
      <Stack gap={2} mb="sm" component="figcaption">
        <Title order={3} size="h5" id={captionId}>
          {props.title}
        </Title>
        <Text size="xs" c="dimmed">
          {props.description}
        </Text>
        {/* An empty chart says so in a sentence instead; a row of zeros would add nothing. */}
        {!props.empty && (
          <Text size="sm" fw={500}>
            {props.summary}
          </Text>
        )}
      </Stack>
      {props.empty ? (
        <Box
          h={CHART_HEIGHT}
          bg="gray.0"
          style={{ display: 'grid', placeItems: 'center', borderRadius: 8 }}
        >
          <Text size="sm" c="dimmed" ta="center" maw={360} px="md">
            {props.empty}
          </Text>
        </Box>
      ) : (
        <Box h={CHART_HEIGHT}>{props.children}</Box>
      )}
    </Paper>
  );
}

const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);

type BucketLabels = ReturnType<typeof useBucketLabels>;

/**
 * The grid, axes, tooltip and legend every chart of the Panel has. A list of elements rather than
 * a component: Recharts reads them as direct children of the chart.
 */
function chartFrame(theme: MantineTheme, labels: BucketLabels) {
  return [
    <CartesianGrid
      key="grid"
      strokeDasharray="3 3"
      vertical={false}
      stroke={theme.colors.gray[3]}
    />,
    <XAxis key="x" dataKey="inicio" tickFormatter={labels.tick} fontSize={12} minTickGap={12} />,
    <YAxis key="y" allowDecimals={false} fontSize={12} />,
    <Tooltip key="tooltip" labelFormatter={(label) => labels.tooltip(String(label))} />,
    <Legend key="legend" wrapperStyle={{ fontSize: 13 }} />,
  ];
}

/** Counts per time bucket, one bar per bucket with a stacked segment per series. */
function StackedBars(props: {
  data: object[];
  labels: BucketLabels;
  bars: Array<{ key: string; name: string; color: string }>;
}) {
  const theme = useMantineTheme();
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={props.data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        {chartFrame(theme, props.labels)}
        {props.bars.map((bar) => (
          <Bar
            key={bar.key}
            dataKey={bar.key}
            name={bar.name}
            stackId="stack"
            fill={bar.color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

function SyncRunsChart({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const labels = useBucketLabels(dashboard.intervalo, dashboard.rango);
  const { number } = useFormatters();
  const data = dashboard.series.sincronizaciones;
  const { exitosas, fallidas, canceladas, total_sincronizaciones } = dashboard.resumen;
  const range = t(`dashboard.range.sentence.${dashboard.rango}`);
  return (
    <ChartPanel
      title={t('dashboard.charts.runs.title')}
      description={t(`dashboard.charts.per.${dashboard.intervalo}`)}
      summary={t('dashboard.charts.runs.summary', {
        count: total_sincronizaciones,
        detail: [
          t('dashboard.runs.ok', { count: exitosas, n: number(exitosas) }),
          t('dashboard.runs.failed', { count: fallidas, n: number(fallidas) }),
          ...(canceladas > 0
            ? [t('dashboard.runs.cancelled', { count: canceladas, n: number(canceladas) })]
            : []),
        ].join(', '),
      })}
      empty={
        total_sincronizaciones === 0
          ? dashboard.resumen.erp.configurado
            ? t('dashboard.charts.runs.empty', { range })
            : t('dashboard.charts.runs.emptyNotConfigured')
          : null
      }
    >
      <StackedBars
        data={data}
        labels={labels}
        bars={[
          { key: 'completadas', name: t('dashboard.charts.runs.ok'), color: theme.colors.teal[6] },
          { key: 'fallidas', name: t('dashboard.charts.runs.failed'), color: theme.colors.red[6] },
          ...(canceladas > 0
            ? [
                {
                  key: 'canceladas',
                  name: t('dashboard.charts.runs.cancelled'),
                  color: theme.colors.gray[5],
                },
              ]
            : []),
        ]}
      />
    </ChartPanel>
  );
}

function WebhookDeliveriesChart({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const labels = useBucketLabels(dashboard.intervalo, dashboard.rango);
  const { number } = useFormatters();
  const data = dashboard.series.webhooks;
  const { entregadas, fallidas, intentos_fallidos } = dashboard.resumen.webhooks;
  const range = t(`dashboard.range.sentence.${dashboard.rango}`);
  return (
    <ChartPanel
      title={t('dashboard.charts.webhooks.title')}
      description={t(`dashboard.charts.per.${dashboard.intervalo}`)}
      summary={[
        t('dashboard.webhooks.figure', { count: entregadas, n: number(entregadas) }),
        t('dashboard.webhooks.failed', { count: fallidas, n: number(fallidas) }),
        t('dashboard.webhooks.failedAttempts', {
          count: intentos_fallidos,
          n: number(intentos_fallidos),
        }),
      ].join(' · ')}
      empty={
        entregadas + fallidas + intentos_fallidos === 0
          ? t('dashboard.charts.webhooks.empty', { range })
          : null
      }
    >
      <StackedBars
        data={data}
        labels={labels}
        bars={[
          {
            key: 'entregadas',
            name: t('dashboard.charts.webhooks.delivered'),
            color: theme.colors.teal[6],
          },
          {
            key: 'intentos_fallidos',
            name: t('dashboard.charts.webhooks.failedAttempts'),
            color: theme.colors.orange[5],
          },
          {
            key: 'fallidas',
            name: t('dashboard.charts.webhooks.failed'),
            color: theme.colors.red[7],
          },
        ]}
      />
    </ChartPanel>
  );
}

function ApiCallsChart({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const labels = useBucketLabels(dashboard.intervalo, dashboard.rango);
  const { number } = useFormatters();
  const palette = [
    theme.colors.blue[6],
    theme.colors.grape[6],
    theme.colors.orange[6],
    theme.colors.cyan[7],
    theme.colors.pink[6],
    theme.colors.lime[8],
  ];
  const names = [
    ...dashboard.sistemas,
    ...(dashboard.otros ? [t('dashboard.charts.api.others')] : []),
  ];
  // Recharts reads values by key: one key per line, whatever a system is called.
  const data = dashboard.series.llamadas_api.map((point) => ({
    inicio: point.inicio,
    errores: point.errores,
    ...Object.fromEntries(point.por_sistema.map((n, i) => [`s${i}`, n])),
  }));
  const { total, errores } = dashboard.resumen.llamadas_api;
  const range = t(`dashboard.range.sentence.${dashboard.rango}`);
  return (
    <ChartPanel
      title={t('dashboard.charts.api.title')}
      description={t(`dashboard.charts.api.per.${dashboard.intervalo}`)}
      summary={[
        t('dashboard.api.systemCalls', { count: total, n: number(total) }),
        t('dashboard.api.errors', { count: errores, n: number(errores) }),
        t('dashboard.charts.api.systems', { count: names.length }),
      ].join(' · ')}
      empty={
        sumOf(dashboard.series.llamadas_api.map((p) => p.total)) === 0
          ? t('dashboard.charts.api.empty', { range })
          : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          {chartFrame(theme, labels)}
          {names.map((name, i) => (
            <Line
              key={`s${i}`}
              type="linear"
              dataKey={`s${i}`}
              name={name}
              stroke={
                dashboard.otros && i === names.length - 1
                  ? theme.colors.gray[6]
                  : palette[i % palette.length]
              }
              strokeWidth={2}
              dot={dashboard.intervalo === 'dia'}
              isAnimationActive={false}
            />
          ))}
          <Line
            type="linear"
            dataKey="errores"
            name={t('dashboard.charts.api.errors')}
            stroke={theme.colors.red[7]}
            strokeDasharray="5 4"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartPanel>
  );
}

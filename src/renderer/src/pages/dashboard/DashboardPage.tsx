import { lazy, Suspense, useState } from 'react';
import { Group, Loader, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DASHBOARD_RANGES, type DashboardRange } from '../../../../shared/monitoring';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useFormatters } from '../../format';
import {
  ApiCallsCard,
  ErpNotConfiguredCard,
  LastSyncCard,
  NextSyncCard,
  SuccessRateCard,
  SyncRunsCard,
  WebhooksCard,
} from './FigureCards';

const DashboardCharts = lazy(() => import('./DashboardCharts'));

// The range stays as chosen while the app is open (the Panel is the page people come back to).
const RANGE_STORAGE_KEY = 'gsih.panel.rango';

function initialRange(): DashboardRange {
  const stored = sessionStorage.getItem(RANGE_STORAGE_KEY);
  return (DASHBOARD_RANGES as readonly string[]).includes(stored ?? '')
    ? (stored as DashboardRange)
    : '24h';
}

/** The home page: how the integrations are doing, in figures that lead to where they come from. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const [rango, setRango] = useState<DashboardRange>(initialRange);
  const summary = useHandlerQuery(
    'dashboard/summary',
    { rango },
    {
      paged: true,
      // The range ends now: it moves even when nothing happens.
      refetchInterval: 60_000,
      staleTime: 5_000,
    },
  );
  const data = summary.data;

  const rangeControl = (
    <SegmentedControl
      aria-label={t('dashboard.range.label')}
      value={rango}
      onChange={(value) => {
        setRango(value as DashboardRange);
        sessionStorage.setItem(RANGE_STORAGE_KEY, value);
      }}
      data={DASHBOARD_RANGES.map((value) => ({ value, label: t(`dashboard.range.${value}`) }))}
    />
  );

  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        description={t('dashboard.description')}
        actions={rangeControl}
      />
      {summary.isError && (
        <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
      )}
      {summary.isPending && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {data && (
        <Stack gap="lg">
          <Text size="sm" c="dimmed">
            {t('dashboard.rangeNote', {
              range: t(`dashboard.range.sentence.${data.rango}`),
              desde: dateTime(data.resumen.desde),
            })}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {data.resumen.erp.configurado ? (
              <>
                <LastSyncCard report={data.resumen} />
                <NextSyncCard report={data.resumen} />
                <SuccessRateCard report={data.resumen} rango={data.rango} />
                <SyncRunsCard report={data.resumen} rango={data.rango} />
              </>
            ) : (
              <ErpNotConfiguredCard />
            )}
            <WebhooksCard report={data.resumen} rango={data.rango} />
            <ApiCallsCard report={data.resumen} rango={data.rango} />
          </SimpleGrid>
          <Suspense
            fallback={
              <Group justify="center" py="xl">
                <Loader aria-label={t('common.loading')} />
              </Group>
            }
          >
            <DashboardCharts dashboard={data} />
          </Suspense>
        </Stack>
      )}
    </>
  );
}

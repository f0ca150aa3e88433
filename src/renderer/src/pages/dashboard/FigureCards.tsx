import { useId, type ReactNode } from 'react';
import { Button, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DashboardRange, IntegrationReport } from '../../../../shared/monitoring';
import { useNavigate, type NavigationTarget } from '../../components/Navigation';
import { ChevronRightIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ErpRunStateBadge } from '../erp/ErpBadges';
import { useErpFormat } from '../erp/erpFormat';

/** One figure of the Panel: what it is, its value, what it means, and where it comes from. */
function FigureCard(props: {
  title: string;
  figure: ReactNode;
  figureColor?: string | undefined;
  children?: ReactNode;
  explanation: string;
  link: { label: string; to: NavigationTarget; primary?: boolean };
}) {
  const navigate = useNavigate();
  const titleId = useId();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="xs" h="100%">
        <Text id={titleId} size="xs" fw={650} c="dimmed" tt="uppercase">
          {props.title}
        </Text>
        <Text fz={26} fw={650} lh={1.15} c={props.figureColor}>
          {props.figure}
        </Text>
        {props.children}
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          {props.explanation}
        </Text>
        <Group justify="flex-end">
          <Button
            size="compact-sm"
            variant={props.link.primary ? 'filled' : 'subtle'}
            rightSection={<ChevronRightIcon size={14} />}
            onClick={() => navigate(props.link.to)}
          >
            {props.link.label}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

type CardProps = { report: IntegrationReport; rango: DashboardRange };

export function ErpNotConfiguredCard() {
  const { t } = useTranslation();
  return (
    <FigureCard
      title={t('dashboard.erpMissing.title')}
      figure={t('dashboard.erpMissing.figure')}
      figureColor="dimmed"
      explanation={t('dashboard.erpMissing.explanation')}
      link={{ label: t('dashboard.erpMissing.action'), to: { page: 'erp' }, primary: true }}
    />
  );
}

export function LastSyncCard({ report }: { report: IntegrationReport }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const last = report.erp.ultima;
  return (
    <FigureCard
      title={t('dashboard.lastSync.title')}
      figure={last ? dateTime(report.ultima_sincronizacion) : t('dashboard.lastSync.never')}
      figureColor={last ? undefined : 'dimmed'}
      explanation={t('dashboard.lastSync.explanation')}
      link={{ label: t('dashboard.links.erpRuns'), to: { page: 'erp' } }}
    >
      {last && (
        <Group gap="xs">
          <ErpRunStateBadge state={last.estado} />
          <Text size="sm" c="dimmed">
            {t('dashboard.lastSync.kind', { tipo: t(`erp.runKinds.${last.tipo}`) })}
          </Text>
        </Group>
      )}
      {last?.error && (
        <Text size="sm" c="red.8" lineClamp={4}>
          {last.error}
        </Text>
      )}
    </FigureCard>
  );
}

export function NextSyncCard({ report }: { report: IntegrationReport }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const { every } = useErpFormat();
  const { erp } = report;
  const figure = erp.en_curso
    ? t('dashboard.nextSync.running')
    : erp.activo
      ? dateTime(report.proxima_sincronizacion)
      : t('dashboard.nextSync.stopped');
  return (
    <FigureCard
      title={t('dashboard.nextSync.title')}
      figure={figure}
      figureColor={erp.en_curso ? 'blue.7' : erp.activo ? undefined : 'orange.8'}
      explanation={
        erp.activo && erp.cada_segundos
          ? t('dashboard.nextSync.explanation', { every: every(erp.cada_segundos) })
          : t('dashboard.nextSync.explanationStopped')
      }
      link={{ label: t('dashboard.links.erp'), to: { page: 'erp' } }}
    />
  );
}

export function SuccessRateCard({ report, rango }: CardProps) {
  const { t } = useTranslation();
  const { percent } = useErpFormat();
  const rate = report.tasa_exito;
  const range = t(`dashboard.range.sentence.${rango}`);
  return (
    <FigureCard
      title={t('dashboard.rate.title')}
      figure={rate === null ? '—' : percent(rate)}
      figureColor={
        rate === null ? 'dimmed' : rate >= 100 ? 'teal.8' : rate >= 50 ? 'orange.8' : 'red.8'
      }
      explanation={t('dashboard.rate.explanation', { range })}
      link={{ label: t('dashboard.links.erpRuns'), to: { page: 'erp' } }}
    >
      <Text size="sm">
        {report.total_sincronizaciones === 0
          ? t('dashboard.rate.none', { range })
          : t('dashboard.rate.detail', {
              count: report.total_sincronizaciones,
              ok: report.exitosas,
            })}
      </Text>
    </FigureCard>
  );
}

export function SyncRunsCard({ report, rango }: CardProps) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  return (
    <FigureCard
      title={t('dashboard.runs.title')}
      figure={number(report.total_sincronizaciones)}
      explanation={t('dashboard.runs.explanation', {
        range: t(`dashboard.range.sentence.${rango}`),
      })}
      link={{ label: t('dashboard.links.erpRuns'), to: { page: 'erp' } }}
    >
      <Group gap="md">
        <Text size="sm" c="teal.8">
          {t('dashboard.runs.ok', { count: report.exitosas, n: number(report.exitosas) })}
        </Text>
        <Text size="sm" c={report.fallidas > 0 ? 'red.8' : 'dimmed'}>
          {t('dashboard.runs.failed', { count: report.fallidas, n: number(report.fallidas) })}
        </Text>
        {report.canceladas > 0 && (
          <Text size="sm" c="dimmed">
            {t('dashboard.runs.cancelled', {
              count: report.canceladas,
              n: number(report.canceladas),
            })}
          </Text>
        )}
      </Group>
    </FigureCard>
  );
}

export function WebhooksCard({ report, rango }: CardProps) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const w = report.webhooks;
  return (
    <FigureCard
      title={t('dashboard.webhooks.title')}
      figure={t('dashboard.webhooks.figure', { count: w.entregadas, n: number(w.entregadas) })}
      explanation={t('dashboard.webhooks.explanation', {
        range: t(`dashboard.range.sentence.${rango}`),
      })}
      link={{ label: t('dashboard.links.webhooks'), to: { page: 'webhooks' } }}
    >
      <Stack gap={2}>
        <Text size="sm" c={w.fallidas > 0 ? 'red.8' : 'dimmed'}>
          {t('dashboard.webhooks.failed', { count: w.fallidas, n: number(w.fallidas) })}
        </Text>
        <Text size="sm" c={w.pendientes > 0 ? 'yellow.9' : 'dimmed'}>
          {t('dashboard.webhooks.pending', { count: w.pendientes, n: number(w.pendientes) })}
        </Text>
        <Text size="sm" c={w.intentos_fallidos > 0 ? 'orange.8' : 'dimmed'}>
          {t('dashboard.webhooks.failedAttempts', {
            count: w.intentos_fallidos,
            n: number(w.intentos_fallidos),
          })}
        </Text>
      </Stack>
    </FigureCard>
  );
}

const SYSTEMS_IN_CARD = 4;

export function ApiCallsCard({ report, rango }: CardProps) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const navigate = useNavigate();
  const calls = report.llamadas_api;
  return (
    <FigureCard
      title={t('dashboard.api.title')}
      figure={number(calls.total)}
      explanation={t('dashboard.api.explanation', {
        range: t(`dashboard.range.sentence.${rango}`),
      })}
      link={{ label: t('dashboard.links.logs'), to: { page: 'logs' } }}
    >
      <Text size="sm" c={calls.errores > 0 ? 'red.8' : 'dimmed'}>
        {t('dashboard.api.errors', { count: calls.errores, n: number(calls.errores) })}
      </Text>
      {calls.por_sistema.length > 0 && (
        <Stack gap={2} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {calls.por_sistema.slice(0, SYSTEMS_IN_CARD).map((system) => (
            <li key={system.sistema}>
              <UnstyledButton
                onClick={() => navigate({ page: 'logs', logFilters: { sistema: system.sistema } })}
                aria-label={t('dashboard.api.systemLink', {
                  sistema: system.sistema,
                  count: system.total,
                  n: number(system.total),
                })}
              >
                <Text size="sm" c="teal.8" td="underline">
                  {system.sistema}
                </Text>
              </UnstyledButton>
              <Text span size="sm">
                {' '}
                {t('dashboard.api.systemCalls', { count: system.total, n: number(system.total) })}
              </Text>
              {system.errores > 0 && (
                <Text span size="sm" c="red.8">
                  {' · '}
                  {t('dashboard.api.errors', { count: system.errores, n: number(system.errores) })}
                </Text>
              )}
            </li>
          ))}
          {calls.por_sistema.length > SYSTEMS_IN_CARD && (
            <Text component="li" size="xs" c="dimmed">
              {t('dashboard.api.moreSystems', {
                count: calls.por_sistema.length - SYSTEMS_IN_CARD,
              })}
            </Text>
          )}
        </Stack>
      )}
    </FigureCard>
  );
}

import { useId, type ReactNode } from 'react';
import { Button, Group, Loader, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ErpStatus } from '../../../../shared/erp';
import { useHandlerMutation } from '../../api/handlerQueries';
import { RefreshIcon, StopIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ErpRunStateBadge } from './ErpBadges';
import { useErpFormat } from './erpFormat';
import { useErpRetry } from './useErpRetry';

function StatusBlock(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Stack gap={6} component="section" aria-labelledby={id}>
      <Text id={id} size="xs" fw={650} c="dimmed" tt="uppercase">
        {props.title}
      </Text>
      {props.children}
    </Stack>
  );
}

/** What the synchronizer is doing now, how the last run went, when the next one is. */
export function ErpStatusPanel({ status }: { status: ErpStatus }) {
  const { t } = useTranslation();
  const { dateTime, number } = useFormatters();
  const { every } = useErpFormat();
  const cancel = useHandlerMutation('erp/cancel', ['erp']);
  const { mutation: retry, start: startRetry } = useErpRetry();
  const running = status.en_curso;
  const last = status.ultima;
  const errors = status.registros.ERROR;

  return (
    <Paper withBorder radius="md" p="lg">
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xl">
        <StatusBlock title={t('erp.status.now')}>
          {running ? (
            <>
              <Group gap="xs" wrap="nowrap">
                <Loader size="sm" />
                <Text size="sm" fw={600}>
                  {t('erp.status.running', { tipo: t(`erp.runKinds.${running.tipo}`) })}
                </Text>
              </Group>
              <Text size="sm" c="dimmed">
                {t('erp.status.since', { fecha: dateTime(running.desde) })}
                {running.progreso &&
                  ` · ${t('erp.status.progress', {
                    entidad: t(`erp.entities.${running.progreso.entidad}`),
                    paginas: number(running.progreso.paginas),
                    registros: number(running.progreso.registros),
                  })}`}
              </Text>
              {running.propia ? (
                <Button
                  size="compact-sm"
                  variant="light"
                  color="red"
                  w="fit-content"
                  leftSection={<StopIcon size={14} />}
                  loading={cancel.isPending}
                  onClick={() => cancel.mutate({})}
                >
                  {t('erp.status.cancel')}
                </Button>
              ) : (
                <Text size="xs" c="dimmed">
                  {t('erp.status.otherProcess', { pid: running.pid })}
                </Text>
              )}
            </>
          ) : (
            <Text size="sm">{t('erp.status.idle')}</Text>
          )}
        </StatusBlock>

        <StatusBlock title={t('erp.status.last')}>
          {last ? (
            <>
              <Group gap="xs">
                <ErpRunStateBadge state={last.estado} />
                <Text size="sm">{dateTime(last.fecha_fin ?? last.fecha_inicio)}</Text>
              </Group>
              <Text size="sm" c="dimmed">
                {t('erp.status.lastCounts', {
                  tipo: t(`erp.runKinds.${last.tipo}`),
                  creados: number(last.creados),
                  actualizados: number(last.actualizados),
                  fallidos: number(last.fallidos),
                })}
              </Text>
              {last.error && (
                <Text size="sm" c="red.8" lineClamp={4}>
                  {last.error}
                </Text>
              )}
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('erp.status.never')}
            </Text>
          )}
        </StatusBlock>

        <StatusBlock title={t('erp.status.next')}>
          {status.activo && status.proxima ? (
            <>
              <Text size="sm" fw={600}>
                {dateTime(status.proxima)}
              </Text>
              {status.cada_segundos && (
                <Text size="sm" c="dimmed">
                  {t('erp.status.every', { every: every(status.cada_segundos) })}
                </Text>
              )}
            </>
          ) : (
            <Text size="sm" c="orange.8">
              {t('erp.status.manualOnly')}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {t('erp.status.records', {
              ok: number(status.registros.SINCRONIZADO),
              pending: number(status.registros.PENDIENTE),
              errors: number(errors),
            })}
          </Text>
          {errors > 0 && (
            <Button
              size="compact-sm"
              variant="light"
              color="orange"
              w="fit-content"
              leftSection={<RefreshIcon size={14} />}
              disabled={running !== null}
              loading={retry.isPending}
              onClick={() => startRetry()}
            >
              {t('erp.retry.all', { count: errors })}
            </Button>
          )}
        </StatusBlock>
      </SimpleGrid>
    </Paper>
  );
}

import { Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ImportProgress } from '../../../../shared/imports';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { CloseIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { useImportFormat } from './importFormat';

/** The running import: phase, a bar, rows per second, time, and a way to stop it. */
export function ImportProgressPanel(props: {
  id: number;
  title: string;
  progress: ImportProgress | null;
  /** Whether this process runs it (only then can it be cancelled from here). */
  cancellable?: boolean;
}) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const { duration } = useFormatters();
  const describe = useErrorMessage();
  const cancel = useHandlerMutation('imports/cancel', ['imports']);
  const p = props.progress;
  const phase = p?.fase ?? 'inicio';

  // Reading is measured in bytes (the row count is unknown until the end); saving in rows.
  let percent: number | null = null;
  if (p && phase === 'lectura' && p.bytes_totales > 0) {
    percent = Math.min(100, (p.bytes / p.bytes_totales) * 100);
  } else if (p && phase === 'aplicacion' && p.total_filas) {
    percent = Math.min(100, (p.filas / p.total_filas) * 100);
  }
  const rows =
    p && p.total_filas && phase === 'aplicacion'
      ? t('imports.progress.rowsOf', {
          rows: format.count(p.filas),
          total: format.count(p.total_filas),
        })
      : t('imports.progress.rows', { rows: format.count(p?.filas ?? 0) });
  const cancelling = cancel.isPending || cancel.isSuccess;

  return (
    <Paper withBorder radius="md" p="lg" aria-live="polite">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {props.title}
        </Title>
        <Text size="sm" fw={500}>
          {cancelling ? t('imports.progress.cancelling') : t(`imports.progress.phases.${phase}`)}
        </Text>
        <Progress
          size="xl"
          radius="md"
          value={percent ?? 100}
          striped={percent === null}
          animated={percent === null}
          aria-label={t('imports.progress.label')}
          {...(percent === null ? {} : { 'aria-valuenow': Math.round(percent) })}
        />
        <Group gap="lg" c="dimmed">
          <Text size="sm">
            {rows}
            {percent !== null && ` · ${Math.floor(percent)} %`}
          </Text>
          {p && p.filas_por_segundo > 0 && (
            <Text size="sm" data-testid="import-rate">
              {t('imports.progress.rate', { rate: format.count(p.filas_por_segundo) })}
            </Text>
          )}
          {p && (
            <Text size="sm">
              {t('imports.progress.elapsed', { time: duration(p.transcurrido_ms) })}
            </Text>
          )}
        </Group>
        {props.cancellable !== false && (
          <Group justify="space-between" mt="xs">
            <Text size="sm" c="dimmed">
              {t('imports.progress.cancelHint')}
            </Text>
            <Button
              color="red"
              variant="outline"
              leftSection={<CloseIcon size={16} />}
              loading={cancel.isPending}
              disabled={cancelling}
              onClick={() =>
                cancel.mutate(
                  { id: props.id },
                  {
                    onError: (error) =>
                      notifications.show({
                        color: 'red',
                        title: t('imports.progress.cancelFailed'),
                        message: describe(error),
                      }),
                  },
                )
              }
            >
              {t('imports.actions.cancel')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

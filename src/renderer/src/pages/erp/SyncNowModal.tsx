import { useState, type FormEvent } from 'react';
import { Badge, Button, Checkbox, Group, Modal, Radio, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import {
  ERP_SYNC_KINDS,
  type ErpChange,
  type ErpRun,
  type ErpSyncKind,
} from '../../../../shared/erp';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SyncIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { ErpRunStateBadge } from './ErpBadges';

type Choice = 'completa' | ErpSyncKind;
const CHOICES: Choice[] = ['completa', ...ERP_SYNC_KINDS];

/** "Sincronizar ahora": opens the choice of what to sync, and whether only to simulate. */
export function SyncNowButton({ running }: { running: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        leftSection={<SyncIcon size={18} />}
        disabled={running}
        onClick={() => setOpen(true)}
        title={running ? t('erp.sync.alreadyRunning') : undefined}
      >
        {t('erp.sync.button')}
      </Button>
      {open && <SyncNowModal onClose={() => setOpen(false)} />}
    </>
  );
}

function SyncNowModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<Choice>('completa');
  const [simulacion, setSimulacion] = useState(false);
  const [dryRun, setDryRun] = useState<ErpRun | null>(null);
  const sync = useHandlerMutation('erp/sync', ['erp', 'dashboard']);

  const start = (dry: boolean) => {
    sync.mutate(
      { ...(choice === 'completa' ? {} : { tipo: choice }), simulacion: dry },
      {
        onSuccess: (answer) => {
          if (answer.simulacion) {
            setDryRun(answer.simulacion);
            return;
          }
          notifications.show({ color: 'teal', message: t('erp.sync.started', { id: answer.id }) });
          onClose();
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start(simulacion);
  };

  return (
    <Modal
      opened
      onClose={onClose}
      size={dryRun ? 'xl' : 'lg'}
      title={dryRun ? t('erp.dryRun.title') : t('erp.sync.title')}
    >
      {dryRun ? (
        <Stack gap="md">
          <DryRunResult run={dryRun} />
          {sync.error && <ErrorAlert error={sync.error} title={t('erp.sync.failed')} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.close')}
            </Button>
            <Button loading={sync.isPending} onClick={() => start(false)}>
              {t('erp.dryRun.runForReal')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="md">
            <Radio.Group
              label={t('erp.sync.what')}
              value={choice}
              onChange={(value) => setChoice(value as Choice)}
            >
              <Stack gap="xs" mt="xs">
                {CHOICES.map((value) => (
                  <Radio
                    key={value}
                    value={value}
                    label={t(`erp.sync.choices.${value}.label`)}
                    description={t(`erp.sync.choices.${value}.help`)}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <Checkbox
              label={t('erp.sync.dryRun')}
              description={t('erp.sync.dryRunHelp')}
              checked={simulacion}
              onChange={(e) => setSimulacion(e.currentTarget.checked)}
            />
            {sync.error && <ErrorAlert error={sync.error} title={t('erp.sync.failed')} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={sync.isPending}>
                {simulacion ? t('erp.sync.simulate') : t('erp.sync.start')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const ACTION_COLORS: Record<ErpChange['accion'], string> = {
  crear: 'teal',
  actualizar: 'blue',
  error: 'red',
};

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? `«${value}»` : JSON.stringify(value);
}

/** What a dry run found: per entity what it would do, and the first changes one by one. */
function DryRunResult({ run }: { run: ErpRun }) {
  const { t } = useTranslation();
  const { number } = useFormatters();
  const entities = Object.entries(run.detalle) as Array<
    [ErpSyncKind, NonNullable<ErpRun['detalle'][ErpSyncKind]>]
  >;
  const changes = run.cambios ?? [];
  return (
    <Stack gap="md">
      <Text size="sm">{t('erp.dryRun.intro')}</Text>
      <Table withTableBorder aria-label={t('erp.dryRun.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('erp.dryRun.entity')}</Table.Th>
            <Table.Th>{t('erp.runs.columns.estado')}</Table.Th>
            <Table.Th ta="right">{t('erp.dryRun.read')}</Table.Th>
            <Table.Th ta="right">{t('erp.dryRun.create')}</Table.Th>
            <Table.Th ta="right">{t('erp.dryRun.update')}</Table.Th>
            <Table.Th ta="right">{t('erp.dryRun.same')}</Table.Th>
            <Table.Th ta="right">{t('erp.dryRun.errors')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entities.map(([entity, result]) => (
            <Table.Tr key={entity}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {t(`erp.entities.${entity}`)}
                </Text>
                {entity === 'movimientos' && (
                  <Text size="xs" c="dimmed">
                    {t('erp.dryRun.toSend', { count: result.leidos })}
                  </Text>
                )}
                {result.error && (
                  <Text size="xs" c="red.8">
                    {result.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {result.estado === 'OMITIDA' ? (
                  <Text size="sm" c="dimmed">
                    {t('erp.runs.skipped')}
                  </Text>
                ) : (
                  <ErpRunStateBadge state={result.estado} />
                )}
              </Table.Td>
              <Table.Td ta="right">{number(result.leidos)}</Table.Td>
              <Table.Td ta="right">{number(result.creados)}</Table.Td>
              <Table.Td ta="right">{number(result.actualizados)}</Table.Td>
              <Table.Td ta="right">{number(result.sin_cambios)}</Table.Td>
              <Table.Td ta="right" c={result.fallidos > 0 ? 'red.8' : undefined}>
                {number(result.fallidos)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {changes.length > 0 && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('erp.dryRun.changes', { count: changes.length })}
          </Text>
          <Table.ScrollContainer minWidth={640} mah={320} type="native">
            <Table striped fz="sm" verticalSpacing={4} aria-label={t('erp.dryRun.changesLabel')}>
              <Table.Tbody>
                {changes.map((change) => (
                  <Table.Tr key={`${change.tipo}:${change.referencia_externa}`}>
                    <Table.Td w={1}>
                      <Badge
                        variant="light"
                        color={ACTION_COLORS[change.accion]}
                        style={{ textTransform: 'none', minWidth: 'max-content' }}
                      >
                        {t(`erp.dryRun.actions.${change.accion}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td w={1}>
                      <Text size="xs" c="dimmed">
                        {t(`erp.recordKinds.${change.tipo}`)}
                      </Text>
                      <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                        {change.referencia_externa}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {change.error ? (
                        <Text size="sm" c="red.8">
                          {change.error}
                        </Text>
                      ) : (
                        Object.entries(change.cambios).map(([field, { antes, despues }]) => (
                          <Text key={field} size="xs">
                            <Text span c="dimmed">
                              {field}:
                            </Text>{' '}
                            {change.accion === 'crear'
                              ? show(despues)
                              : `${show(antes)} → ${show(despues)}`}
                          </Text>
                        ))
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Stack>
  );
}

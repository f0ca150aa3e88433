import { useState } from 'react';
import {
  Alert,
  Button,
  Drawer,
  Group,
  Select,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import {
  DELIVERY_STATES,
  type DeliveryState,
  type Webhook,
  type WebhookDelivery,
} from '../../../../shared/domain';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation, useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import {
  DeliveryStateBadge,
  HttpStatusBadge,
  WebhookStateBadge,
} from '../../components/StatusBadges';
import { TablePager } from '../../components/TablePager';
import { AlertIcon, ListIcon, RefreshIcon, SendIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useFormatters } from '../../format';
import { AttemptsPanel } from './AttemptsPanel';
import { EventBadge } from './EventBadge';
import { ResendFailedModal } from './ResendFailedModal';
import { useSendTest } from './useSendTest';
import { ExpandableRow } from '../../components/ExpandableRow';

const COLUMN_COUNT = 8;

/** The deliveries of one endpoint, newest first, each with its attempts a click away. */
export function DeliveriesDrawer(props: { webhook: Webhook | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { webhook } = props;
  return (
    <Drawer
      opened={webhook !== null}
      onClose={props.onClose}
      position="right"
      size="92%"
      title={webhook ? t('deliveries.title', { nombre: webhook.nombre }) : ''}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      styles={{ title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {webhook && <Deliveries webhook={webhook} />}
    </Drawer>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation();
  const paging = usePaging();
  const [estado, setEstado] = useState<DeliveryState | null>(null);
  const [resendingFailed, setResendingFailed] = useState(false);
  const test = useSendTest();
  const deliveries = useHandlerQuery(
    'webhooks/deliveries',
    {
      webhook: webhook.id,
      ...(estado ? { estado } : {}),
      page: paging.page,
      page_size: paging.pageSize,
    },
    { paged: true },
  );

  return (
    <Stack gap="md">
      <Group gap="sm" align="center">
        <WebhookStateBadge active={webhook.activo} />
        <Text size="sm" c="dimmed" style={{ flex: 1, minWidth: 280 }}>
          {t('deliveries.help', { url: webhook.url })}
        </Text>
      </Group>
      {!webhook.activo && webhook.motivo_desactivacion && (
        <Alert color="red" variant="light" icon={<AlertIcon />}>
          {t('webhooks.banner.item', {
            nombre: webhook.nombre,
            motivo: webhook.motivo_desactivacion,
          })}
        </Alert>
      )}
      <Group justify="space-between" align="flex-end">
        <Select
          label={t('deliveries.stateFilter')}
          placeholder={t('deliveries.allStates')}
          clearable
          w={200}
          data={DELIVERY_STATES.map((state) => ({
            value: state,
            label: t(`deliveryState.${state}`),
          }))}
          value={estado}
          onChange={(value) => {
            setEstado(value as DeliveryState | null);
            paging.setPage(1);
          }}
        />
        <Group gap="sm">
          {webhook.activo && (
            <Button
              variant="default"
              leftSection={<SendIcon size={16} />}
              aria-label={t('webhooks.actions.testOf', { nombre: webhook.nombre })}
              loading={test.pendingId === webhook.id}
              onClick={() => test.send(webhook)}
            >
              {t('webhooks.actions.test')}
            </Button>
          )}
          <Button
            variant="light"
            color="orange"
            leftSection={<RefreshIcon size={16} />}
            onClick={() => setResendingFailed(true)}
            disabled={webhook.entregas.FALLIDO === 0}
          >
            {t('deliveries.resendFailed')}
          </Button>
        </Group>
      </Group>

      <QueryStates
        query={deliveries}
        compact
        empty={
          estado
            ? {
                size: 'sm',
                icon: <ListIcon size={22} />,
                withIndicatorBackground: true,
                title: t('deliveries.noResults.title'),
                description: t('deliveries.noResults.description'),
              }
            : {
                size: 'sm',
                icon: <ListIcon size={22} />,
                withIndicatorBackground: true,
                title: t('deliveries.empty.title'),
                description: t('deliveries.empty.description'),
              }
        }
      >
        {(data) => (
          <>
            <DeliveriesTable deliveries={data.items} />
            <TablePager paging={paging} total={data.total} />
          </>
        )}
      </QueryStates>

      {resendingFailed && (
        <ResendFailedModal webhook={webhook} onClose={() => setResendingFailed(false)} />
      )}
    </Stack>
  );
}

function DeliveriesTable({ deliveries }: { deliveries: WebhookDelivery[] }) {
  const { t } = useTranslation();
  const { dateTimeSeconds, number } = useFormatters();
  const describe = useErrorMessage();
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const resend = useHandlerMutation('webhooks/resend', ['webhooks']);

  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const sendAgain = (delivery: WebhookDelivery) =>
    resend.mutate(
      { entrega: delivery.id },
      {
        onSuccess: () =>
          notifications.show({
            color: 'teal',
            message: t('deliveries.resent', { id: delivery.id }),
          }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: t('webhooks.actionFailed'),
            message: describe(error),
          }),
      },
    );

  return (
    <Table.ScrollContainer minWidth={980} type="native">
      <Table highlightOnHover horizontalSpacing="xs" aria-label={t('deliveries.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <VisuallyHidden>{t('deliveries.attempts.numero')}</VisuallyHidden>
            </Table.Th>
            <Table.Th>{t('deliveries.fields.evento')}</Table.Th>
            <Table.Th>{t('deliveries.fields.estado')}</Table.Th>
            <Table.Th ta="right">{t('deliveries.fields.intentos')}</Table.Th>
            <Table.Th>{t('deliveries.fields.ultimo')}</Table.Th>
            <Table.Th>{t('deliveries.fields.proximo_intento')}</Table.Th>
            <Table.Th>{t('deliveries.fields.fecha_creacion')}</Table.Th>
            <Table.Th ta="right">
              <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.map((delivery) => {
            const open = expanded.has(delivery.id);
            const detailId = `delivery-attempts-${delivery.id}`;
            const finished = delivery.estado === 'ENTREGADO' || delivery.estado === 'FALLIDO';
            return (
              <ExpandableRow
                key={delivery.id}
                open={open}
                onToggle={() => toggle(delivery.id)}
                label={t('deliveries.toggleAttempts', { id: delivery.id })}
                detailId={detailId}
                columns={COLUMN_COUNT}
                detail={<AttemptsPanel delivery={delivery} />}
                detailCellProps={{ px: 'md' }}
              >
                <Table.Td>
                  {/* The id under the event: it is what the receiver sees as webhook-id. */}
                  <Stack gap={4} align="flex-start">
                    <EventBadge evento={delivery.evento} />
                    <Text size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                      {delivery.evento_id}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <DeliveryStateBadge state={delivery.estado} />
                </Table.Td>
                <Table.Td ta="right">{number(delivery.intentos)}</Table.Td>
                <Table.Td maw={260}>
                  <LastResponse delivery={delivery} />
                </Table.Td>
                <Table.Td
                  style={{ whiteSpace: 'nowrap' }}
                  c={delivery.proximo_intento ? undefined : 'dimmed'}
                >
                  {delivery.estado === 'PENDIENTE' || delivery.estado === 'EN_CURSO'
                    ? dateTimeSeconds(delivery.proximo_intento)
                    : '—'}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{dateTimeSeconds(delivery.fecha_creacion)}</Text>
                  {delivery.fecha_entrega && (
                    <Text size="xs" c="teal.8">
                      {t('deliveries.fields.fecha_entrega')}:{' '}
                      {dateTimeSeconds(delivery.fecha_entrega)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  {finished && (
                    <Button
                      size="compact-sm"
                      variant="light"
                      leftSection={<RefreshIcon size={14} />}
                      aria-label={t('deliveries.resendLabel', { id: delivery.id })}
                      loading={resend.isPending && resend.variables.entrega === delivery.id}
                      onClick={(event) => {
                        event.stopPropagation();
                        sendAgain(delivery);
                      }}
                    >
                      {t('deliveries.resend')}
                    </Button>
                  )}
                </Table.Td>
              </ExpandableRow>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function LastResponse({ delivery }: { delivery: WebhookDelivery }) {
  const { t } = useTranslation();
  if (delivery.ultimo_status === null && !delivery.ultimo_error) {
    return (
      <Text size="sm" c="dimmed">
        {delivery.intentos === 0 ? '—' : t('deliveries.noResponse')}
      </Text>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      {delivery.ultimo_status !== null && <HttpStatusBadge status={delivery.ultimo_status} />}
      {/* With a status the error only repeats it («El receptor respondió 500»). */}
      {delivery.ultimo_status === null && delivery.ultimo_error && (
        <Text size="xs" c="red.7" lineClamp={2} title={delivery.ultimo_error}>
          {delivery.ultimo_error}
        </Text>
      )}
    </Group>
  );
}

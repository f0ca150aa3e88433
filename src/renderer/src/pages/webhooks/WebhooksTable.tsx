import {
  ActionIcon,
  Button,
  Group,
  Menu,
  Stack,
  Table,
  Text,
  type MantineColor,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { DELIVERY_STATES, type DeliveryState, type Webhook } from '../../../../shared/domain';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { WebhookStateBadge } from '../../components/StatusBadges';
import { DotsIcon, ListIcon, SendIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { EventBadge } from './EventBadge';
import { useSendTest } from './useSendTest';

const COUNT_COLORS: Record<DeliveryState, MantineColor> = {
  ENTREGADO: 'teal.8',
  PENDIENTE: 'yellow.8',
  EN_CURSO: 'blue.7',
  FALLIDO: 'red.7',
};

/** One row per endpoint: what it receives, whether it works, and what can be done with it. */
export function WebhooksTable(props: {
  webhooks: Webhook[];
  onDeliveries: (webhook: Webhook) => void;
  onShowSecret: (webhook: Webhook) => void;
  onRotate: (webhook: Webhook) => void;
  onDelete: (webhook: Webhook) => void;
}) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const describe = useErrorMessage();
  const update = useHandlerMutation('webhooks/update', ['webhooks']);
  const test = useSendTest();

  const failed = (error: unknown) =>
    notifications.show({
      color: 'red',
      title: t('webhooks.actionFailed'),
      message: describe(error),
    });

  const setActive = (webhook: Webhook, activo: boolean) =>
    update.mutate(
      { id: webhook.id, activo },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: activo ? 'teal' : 'gray',
            message: t(activo ? 'webhooks.enabled' : 'webhooks.disabled', {
              nombre: saved.nombre,
            }),
          }),
        onError: failed,
      },
    );

  return (
    <Table.ScrollContainer minWidth={980} type="native">
      <Table striped highlightOnHover horizontalSpacing="sm" aria-label={t('webhooks.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('webhooks.fields.nombre')}</Table.Th>
            <Table.Th>{t('webhooks.fields.eventos')}</Table.Th>
            <Table.Th>{t('webhooks.fields.estado')}</Table.Th>
            <Table.Th>{t('webhooks.fields.entregas')}</Table.Th>
            <Table.Th ta="right">{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.webhooks.map((webhook) => {
            const counts = DELIVERY_STATES.filter((state) => webhook.entregas[state] > 0);
            return (
              <Table.Tr key={webhook.id}>
                <Table.Td miw={260} maw={360}>
                  <Stack gap={2}>
                    <Text size="sm" fw={500}>
                      {webhook.nombre}
                    </Text>
                    <Text
                      size="xs"
                      c="dimmed"
                      ff="monospace"
                      style={{ overflowWrap: 'break-word' }}
                      title={webhook.url}
                    >
                      {webhook.url}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} maw={300}>
                    {webhook.eventos.map((evento) => (
                      <EventBadge key={evento} evento={evento} />
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td maw={280}>
                  <Stack gap={2} align="flex-start">
                    <WebhookStateBadge active={webhook.activo} />
                    {!webhook.activo && webhook.motivo_desactivacion && (
                      <Text size="xs" c="red.8">
                        {webhook.motivo_desactivacion}
                      </Text>
                    )}
                    {webhook.fallos_consecutivos > 0 && (
                      <Text size="xs" c="orange.8">
                        {t('webhooks.consecutiveFailures', {
                          count: webhook.fallos_consecutivos,
                        })}
                        {webhook.fallando_desde &&
                          ` · ${t('webhooks.failingSince', { fecha: dateTime(webhook.fallando_desde) })}`}
                      </Text>
                    )}
                    {webhook.rotacion_hasta && (
                      <Text size="xs" c="dimmed">
                        {t('webhooks.rotatingUntil', { fecha: dateTime(webhook.rotacion_hasta) })}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {counts.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('webhooks.noDeliveries')}
                    </Text>
                  ) : (
                    <Stack gap={0}>
                      {counts.map((state) => (
                        <Text
                          key={state}
                          size="sm"
                          c={COUNT_COLORS[state]}
                          style={{ whiteSpace: 'nowrap' }}
                        >
                          {t(`webhooks.counts.${state}`, { count: webhook.entregas[state] })}
                        </Text>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button
                      size="compact-sm"
                      variant="light"
                      leftSection={<ListIcon size={14} />}
                      aria-label={t('webhooks.actions.deliveriesOf', { nombre: webhook.nombre })}
                      onClick={() => props.onDeliveries(webhook)}
                    >
                      {t('webhooks.actions.deliveries')}
                    </Button>
                    {webhook.activo ? (
                      <Button
                        size="compact-sm"
                        variant="default"
                        leftSection={<SendIcon size={14} />}
                        aria-label={t('webhooks.actions.testOf', { nombre: webhook.nombre })}
                        loading={test.pendingId === webhook.id}
                        onClick={() => test.send(webhook)}
                      >
                        {t('webhooks.actions.test')}
                      </Button>
                    ) : (
                      // A disabled endpoint sends nothing, not even a test: switching it back on
                      // is what the row needs.
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="teal"
                        aria-label={t('webhooks.actions.enableOf', { nombre: webhook.nombre })}
                        loading={update.isPending && update.variables.id === webhook.id}
                        onClick={() => setActive(webhook, true)}
                      >
                        {t('webhooks.actions.enable')}
                      </Button>
                    )}
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={t('webhooks.actions.more', { nombre: webhook.nombre })}
                        >
                          <DotsIcon size={18} />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {webhook.activo && (
                          <Menu.Item onClick={() => setActive(webhook, false)}>
                            {t('webhooks.actions.disable')}
                          </Menu.Item>
                        )}
                        <Menu.Item onClick={() => props.onShowSecret(webhook)}>
                          {t('webhooks.actions.showSecret')}
                        </Menu.Item>
                        <Menu.Item onClick={() => props.onRotate(webhook)}>
                          {t('webhooks.actions.rotate')}
                        </Menu.Item>
                        <Menu.Divider />
                        <Menu.Item color="red" onClick={() => props.onDelete(webhook)}>
                          {t('webhooks.actions.delete')}
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { Fragment } from 'react';
import { Code, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { WebhookDelivery } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormatters } from '../../format';
import { HttpStatusBadge } from '../../components/StatusBadges';

/** Every attempt of one delivery: when, what the receiver answered, and how long it took. */
export function AttemptsPanel({ delivery }: { delivery: WebhookDelivery }) {
  const { t } = useTranslation();
  const { dateTimeSeconds, number } = useFormatters();
  // Refreshed by webhooks/changed, so a retry shows up here as it happens.
  const attempts = useHandlerQuery('webhooks/attempts', { entrega: delivery.id });

  if (attempts.isError) {
    return <ErrorAlert error={attempts.error} onRetry={() => attempts.refetch()} />;
  }
  if (!attempts.data) {
    return (
      <Group justify="center" py="sm">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Group>
    );
  }

  const footnote =
    delivery.estado === 'PENDIENTE' && delivery.proximo_intento && delivery.intentos > 0
      ? t('deliveries.attempts.next', { fecha: dateTimeSeconds(delivery.proximo_intento) })
      : delivery.estado === 'FALLIDO'
        ? t('deliveries.attempts.exhausted')
        : null;

  return (
    <Stack gap="xs" py="xs">
      {attempts.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('deliveries.attempts.none')}
        </Text>
      ) : (
        <Table
          withTableBorder
          bg="white"
          verticalSpacing={6}
          aria-label={t('deliveries.attempts.tableLabel', { id: delivery.id })}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={80}>{t('deliveries.attempts.numero')}</Table.Th>
              <Table.Th w={170}>{t('deliveries.attempts.fecha')}</Table.Th>
              <Table.Th w={110}>{t('deliveries.attempts.status')}</Table.Th>
              <Table.Th w={110} ta="right">
                {t('deliveries.attempts.duracion')}
              </Table.Th>
              <Table.Th>{t('deliveries.attempts.error')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {attempts.data.map((attempt) => (
              <Fragment key={attempt.id}>
                <Table.Tr>
                  <Table.Td>{number(attempt.numero)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {dateTimeSeconds(attempt.fecha)}
                  </Table.Td>
                  <Table.Td>
                    {attempt.status === null ? (
                      <Text size="sm" c="dimmed">
                        {t('deliveries.noResponse')}
                      </Text>
                    ) : (
                      <HttpStatusBadge status={attempt.status} />
                    )}
                  </Table.Td>
                  <Table.Td ta="right" c="dimmed">
                    {attempt.duracion_ms === null ? '—' : `${number(attempt.duracion_ms)} ms`}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={attempt.error ? 'red.7' : 'dimmed'}>
                      {attempt.error ?? '—'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {attempt.cuerpo_respuesta && (
                  <Table.Tr>
                    <Table.Td />
                    <Table.Td colSpan={4}>
                      <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
                        {t('deliveries.attempts.body')}
                      </Text>
                      <Code
                        block
                        mah={200}
                        style={{ overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
                        aria-label={t('deliveries.attempts.bodyOf', { numero: attempt.numero })}
                      >
                        {attempt.cuerpo_respuesta}
                      </Code>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {footnote && (
        <Text size="sm" c={delivery.estado === 'FALLIDO' ? 'red.7' : 'yellow.9'}>
          {footnote}
        </Text>
      )}
    </Stack>
  );
}

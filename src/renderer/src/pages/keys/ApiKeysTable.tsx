import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiKey } from '../../../../shared/domain';
import { ApiKeyStateBadge } from '../../components/StatusBadges';
import { useFormatters } from '../../format';
import { SCOPE_COLORS, SCOPE_INFO, sortScopes } from './scopes';

/**
 * One row per key. The display prefix sits under the name rather than in a column of its own,
 * so the whole table, "Revocar" included, fits beside the menu without scrolling sideways.
 */
export function ApiKeysTable(props: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  const { t } = useTranslation();
  const { date, dateTime, number } = useFormatters();

  return (
    <Table.ScrollContainer minWidth={900} type="native">
      <Table striped highlightOnHover horizontalSpacing="xs" aria-label={t('apiKeys.tableLabel')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('apiKeys.fields.nombre')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.sistema')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.scopes')}</Table.Th>
            <Table.Th ta="right">{t('apiKeys.fields.limite_hora')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.estado')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.fecha_creacion')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.fecha_expiracion')}</Table.Th>
            <Table.Th>{t('apiKeys.fields.ultimo_uso')}</Table.Th>
            <Table.Th ta="right">{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <Text size="sm" fw={500}>
                    {key.nombre}
                  </Text>
                  <Code fz="xs" style={{ whiteSpace: 'nowrap' }}>{`${key.prefijo}…`}</Code>
                </Stack>
              </Table.Td>
              <Table.Td>{key.sistema}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {sortScopes(key.scopes).map((scope) => {
                    const info = SCOPE_INFO[scope];
                    return (
                      <Badge
                        key={scope}
                        size="sm"
                        variant="light"
                        color={SCOPE_COLORS[info.kind]}
                        title={scope}
                        style={{ textTransform: 'none' }}
                      >
                        {t(`apiKeys.scopes.${info.key}.short`)}
                      </Badge>
                    );
                  })}
                </Group>
              </Table.Td>
              <Table.Td ta="right">{number(key.limite_hora)}</Table.Td>
              <Table.Td>
                <ApiKeyStateBadge state={key.estado} />
                {key.estado === 'REVOCADA' && key.fecha_revocacion && (
                  <Text size="xs" c="dimmed" mt={2} style={{ whiteSpace: 'nowrap' }}>
                    {date(key.fecha_revocacion)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(key.fecha_creacion)}</Table.Td>
              <Table.Td
                style={{ whiteSpace: 'nowrap' }}
                c={key.fecha_expiracion ? undefined : 'dimmed'}
              >
                {key.fecha_expiracion ? date(key.fecha_expiracion) : t('apiKeys.never')}
              </Table.Td>
              <Table.Td c={key.ultimo_uso ? undefined : 'dimmed'}>
                {key.ultimo_uso ? dateTime(key.ultimo_uso) : t('apiKeys.neverUsed')}
              </Table.Td>
              <Table.Td ta="right">
                {key.estado === 'ACTIVA' && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    color="red"
                    aria-label={t('apiKeys.revokeLabel', { nombre: key.nombre })}
                    onClick={() => props.onRevoke(key)}
                  >
                    {t('apiKeys.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

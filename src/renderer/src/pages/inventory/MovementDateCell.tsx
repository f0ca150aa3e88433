import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Movement } from '../../../../shared/domain';
import { useFormatters } from '../../format';

/** When, which number and from where: the movement's identity in one narrow column. */
export function MovementDateCell({ movement }: { movement: Movement }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  return (
    <Stack gap={0}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {dateTime(movement.fecha)}
      </Text>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {t('movements.numberAndOrigin', {
          id: movement.id,
          origen: t(`movementOrigin.${movement.origen}`),
        })}
      </Text>
    </Stack>
  );
}

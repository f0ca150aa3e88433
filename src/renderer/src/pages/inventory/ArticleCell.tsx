import { Stack, Text } from '@mantine/core';
import type { Movement } from '../../../../shared/domain';

/** Article code over its name: the two things people recognise an article by. */
export function ArticleCell({ record }: { record: Pick<Movement, 'codigo' | 'nombre'> }) {
  return (
    <Stack gap={0} miw={140}>
      <Text size="sm" fw={600} ff="monospace" style={{ whiteSpace: 'nowrap' }}>
        {record.codigo}
      </Text>
      <Text size="xs" c="dimmed" lineClamp={2}>
        {record.nombre}
      </Text>
    </Stack>
  );
}

import { Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Movement } from '../../../../shared/domain';
import { MovementTypeBadge } from '../../components/StatusBadges';
import { useFormatters } from '../../format';
import { ArticleCell } from './ArticleCell';
import { MovementDateCell } from './MovementDateCell';

// The columns every movement table opens with, so pending and history read the same way.

export function MovementHeaderCells() {
  const { t } = useTranslation();
  return (
    <>
      <Table.Th>{t('movements.fields.fecha')}</Table.Th>
      <Table.Th>{t('movements.fields.tipo')}</Table.Th>
      <Table.Th>{t('movements.fields.articulo')}</Table.Th>
      <Table.Th ta="right">{t('movements.fields.cantidad')}</Table.Th>
      <Table.Th>{t('movements.fields.almacen')}</Table.Th>
    </>
  );
}

export function MovementCells({ movement }: { movement: Movement }) {
  const { number } = useFormatters();
  return (
    <>
      <Table.Td>
        <MovementDateCell movement={movement} />
      </Table.Td>
      <Table.Td>
        <MovementTypeBadge type={movement.tipo} />
      </Table.Td>
      <Table.Td>
        <ArticleCell record={movement} />
      </Table.Td>
      <Table.Td ta="right" fw={600}>
        {number(movement.cantidad)}
      </Table.Td>
      <Table.Td>{movement.almacen}</Table.Td>
    </>
  );
}

import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ErpRecordState, ErpRunState } from '../../../../shared/erp';

const RUN_STATE_COLORS: Record<ErpRunState, string> = {
  EN_CURSO: 'blue',
  COMPLETADA: 'teal',
  FALLIDA: 'red',
  CANCELADA: 'gray',
};

const RECORD_STATE_COLORS: Record<ErpRecordState, string> = {
  PENDIENTE: 'yellow',
  SINCRONIZADO: 'teal',
  ERROR: 'red',
};

// As the other status badges: never cut short in a narrow cell.
const badgeStyle = { textTransform: 'none', minWidth: 'max-content' } as const;

export function ErpRunStateBadge({ state }: { state: ErpRunState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={RUN_STATE_COLORS[state]} style={badgeStyle}>
      {t(`erp.runStates.${state}`)}
    </Badge>
  );
}

export function ErpRecordStateBadge({ state }: { state: ErpRecordState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={RECORD_STATE_COLORS[state]} style={badgeStyle}>
      {t(`erp.recordStates.${state}`)}
    </Badge>
  );
}

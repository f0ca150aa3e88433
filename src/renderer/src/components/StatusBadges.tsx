import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type {
  ApiKeyState,
  DeliveryState,
  LogState,
  MovementState,
  MovementType,
} from '../../../shared/domain';

const MOVEMENT_STATE_COLORS: Record<MovementState, string> = {
  PENDIENTE: 'yellow',
  APROBADO: 'teal',
  RECHAZADO: 'gray',
};

const MOVEMENT_TYPE_COLORS: Record<MovementType, string> = {
  ENTRADA: 'blue',
  SALIDA: 'grape',
  AJUSTE: 'orange',
};

const LOG_STATE_COLORS: Record<LogState, string> = { OK: 'teal', ERROR: 'red', INFO: 'blue' };

const API_KEY_STATE_COLORS: Record<ApiKeyState, string> = {
  ACTIVA: 'teal',
  REVOCADA: 'gray',
  EXPIRADA: 'orange',
};

const DELIVERY_STATE_COLORS: Record<DeliveryState, string> = {
  PENDIENTE: 'yellow',
  EN_CURSO: 'blue',
  ENTREGADO: 'teal',
  FALLIDO: 'red',
};

// Table cells squeeze their content; a status badge is short and must never be cut to "Apro…".
const badgeStyle = { textTransform: 'none', minWidth: 'max-content' } as const;

export function MovementStateBadge({ state }: { state: MovementState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={MOVEMENT_STATE_COLORS[state]} style={badgeStyle}>
      {t(`movementState.${state}`)}
    </Badge>
  );
}

export function MovementTypeBadge({ type }: { type: MovementType }) {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color={MOVEMENT_TYPE_COLORS[type]} style={badgeStyle}>
      {t(`movementType.${type}`)}
    </Badge>
  );
}

export function LogStateBadge({ state }: { state: LogState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={LOG_STATE_COLORS[state]} style={badgeStyle}>
      {t(`logState.${state}`)}
    </Badge>
  );
}

export function LowStockBadge() {
  const { t } = useTranslation();
  return (
    <Badge variant="filled" color="red" size="sm" style={badgeStyle}>
      {t('articles.lowStock')}
    </Badge>
  );
}

export function ApiKeyStateBadge({ state }: { state: ApiKeyState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={API_KEY_STATE_COLORS[state]} style={badgeStyle}>
      {t(`apiKeyState.${state}`)}
    </Badge>
  );
}

export function DeliveryStateBadge({ state }: { state: DeliveryState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={DELIVERY_STATE_COLORS[state]} style={badgeStyle}>
      {t(`deliveryState.${state}`)}
    </Badge>
  );
}

export function WebhookStateBadge({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={active ? 'teal' : 'red'} style={badgeStyle}>
      {t(active ? 'webhooks.active' : 'webhooks.inactive')}
    </Badge>
  );
}

/** The HTTP status a webhook receiver answered: 2xx is a delivery, anything else a failure. */
export function HttpStatusBadge({ status }: { status: number }) {
  const ok = status >= 200 && status < 300;
  return (
    <Badge variant="outline" color={ok ? 'teal' : 'red'} size="sm" style={badgeStyle}>
      {status}
    </Badge>
  );
}

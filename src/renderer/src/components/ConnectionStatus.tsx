import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useTransportKind } from '../api/ClientContext';
import { useHealthCheck } from '../api/useHealthCheck';
import { useErrorMessage } from '../api/errorMessage';

type Status = 'connecting' | 'connected' | 'offline' | 'unauthorized';

const STATUS_COLORS: Record<Status, string> = {
  connecting: 'gray',
  connected: 'teal',
  offline: 'red',
  unauthorized: 'orange',
};

export function ConnectionStatus() {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  const transportKind = useTransportKind();
  const info = useHealthCheck();

  let status: Status = 'connecting';
  if (info.isError) status = info.error.code === 'UNAUTHORIZED' ? 'unauthorized' : 'offline';
  else if (info.isSuccess) status = 'connected';

  const mode = t(`connection.mode.${transportKind}`);
  const tooltip = info.isError ? describe(info.error) : mode;

  return (
    <Tooltip label={tooltip} multiline maw={320} withArrow>
      <Badge
        role="status"
        variant="dot"
        size="lg"
        color={STATUS_COLORS[status]}
        aria-label={`${t('connection.label')}: ${t(`connection.status.${status}`)}`}
        style={{ textTransform: 'none' }}
      >
        {t(`connection.status.${status}`)}
      </Badge>
    </Tooltip>
  );
}

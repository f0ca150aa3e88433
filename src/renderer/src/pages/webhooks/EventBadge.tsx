import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EVENT_COLORS, isKnownEvent } from './events';

/** An event by its label, with its wire name as the tooltip (what the receiver sees). */
export function EventBadge({ evento }: { evento: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="sm"
      variant="light"
      color={isKnownEvent(evento) ? EVENT_COLORS[evento] : 'gray'}
      title={evento}
      style={{ textTransform: 'none', minWidth: 'max-content' }}
    >
      {isKnownEvent(evento) ? t(`webhookEvents.${evento}.label`) : evento}
    </Badge>
  );
}

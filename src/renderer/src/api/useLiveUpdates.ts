import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { HandlerResult, PushMessage } from '../../../shared/contract';
import { applyLanguage } from '../i18n';
import { useClient } from './ClientContext';
import { handlerQueryKey } from './handlerQueries';

/** Subscribes once to the core's push events and refreshes whatever they make stale. */
export function useLiveUpdates(): void {
  const client = useClient();
  const queryClient = useQueryClient();

  useEffect(() => {
    const onMessage = (message: PushMessage) => {
      switch (message.event) {
        case 'inventory/changed':
          // app/info carries the pending and alert counts too.
          void queryClient.invalidateQueries({ queryKey: ['inventory'] });
          void queryClient.invalidateQueries({ queryKey: ['app'] });
          break;
        case 'logs/appended':
          void queryClient.invalidateQueries({ queryKey: ['logs'] });
          break;
        case 'keys/changed':
          void queryClient.invalidateQueries({ queryKey: ['keys'] });
          break;
        case 'webhooks/changed':
          // Deliveries progressing, an endpoint disabled by the dispatcher, a rotated secret.
          void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
          break;
        case 'imports/progress': {
          // Straight into the running import's cached state: a few times a second, no refetch.
          const progress = (message as PushMessage<'imports/progress'>).payload;
          queryClient.setQueryData(
            handlerQueryKey('imports/current', {}),
            (current: HandlerResult<'imports/current'> | undefined) =>
              current && current.id === progress.id ? { ...current, progreso: progress } : current,
          );
          break;
        }
        case 'imports/changed':
          // Started or ended: the running one, the history, and one's report.
          void queryClient.invalidateQueries({ queryKey: ['imports'] });
          break;
        case 'settings/changed': {
          const settings = (message as PushMessage<'settings/changed'>).payload;
          queryClient.setQueryData(handlerQueryKey('settings/get', {}), settings);
          applyLanguage(settings.language);
          break;
        }
      }
    };
    return client.subscribe(onMessage);
  }, [client, queryClient]);
}

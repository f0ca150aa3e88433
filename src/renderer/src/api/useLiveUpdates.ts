import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { HandlerResult, PushMessage } from '../../../shared/contract';
import { applyLanguage } from '../i18n';
import { useClient } from './ClientContext';
import { handlerQueryKey } from './handlerQueries';

/**
 * Calls `fn` at once, then at most once per `ms` while calls keep coming (the last call is never
 * lost: it runs when the wait ends).
 */
function throttle(fn: () => void, ms: number): { call(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let again = false;
  const wait = () => {
    timer = setTimeout(() => {
      timer = null;
      if (again) {
        again = false;
        fn();
        wait();
      }
    }, ms);
  };
  return {
    call() {
      if (timer) {
        again = true;
        return;
      }
      fn();
      wait();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Subscribes once to the core's push events and refreshes whatever they make stale. */
export function useLiveUpdates(): void {
  const client = useClient();
  const queryClient = useQueryClient();

  useEffect(() => {
    // The Panel counts the log, the deliveries and the runs: under load those change several
    // times a second, and a few seconds late is soon enough for its figures.
    const dashboard = throttle(
      () => void queryClient.invalidateQueries({ queryKey: ['dashboard'] }),
      3000,
    );
    // A run reports its progress twice a second; its status is all that needs it that often.
    const erpProgress = throttle(
      () => void queryClient.invalidateQueries({ queryKey: ['erp'] }),
      1000,
    );
    const onMessage = (message: PushMessage) => {
      switch (message.event) {
        case 'inventory/changed':
          // app/info carries the pending and alert counts too.
          void queryClient.invalidateQueries({ queryKey: ['inventory'] });
          void queryClient.invalidateQueries({ queryKey: ['app'] });
          break;
        case 'logs/appended':
          void queryClient.invalidateQueries({ queryKey: ['logs'] });
          dashboard.call();
          break;
        case 'keys/changed':
          void queryClient.invalidateQueries({ queryKey: ['keys'] });
          break;
        case 'webhooks/changed':
          // Deliveries progressing, an endpoint disabled by the dispatcher, a rotated secret.
          void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
          dashboard.call();
          break;
        case 'erp/changed': {
          const { estado } = (message as PushMessage<'erp/changed'>).payload;
          if (estado === 'EN_CURSO') erpProgress.call();
          else {
            // Ended, or configured (here or by `gsih erp`): everything about it at once.
            void queryClient.invalidateQueries({ queryKey: ['erp'] });
            dashboard.call();
          }
          break;
        }
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
    const unsubscribe = client.subscribe(onMessage);
    return () => {
      unsubscribe();
      dashboard.cancel();
      erpProgress.cancel();
    };
  }, [client, queryClient]);
}

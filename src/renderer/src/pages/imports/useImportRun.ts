import { useHandlerQuery } from '../../api/handlerQueries';

// Follows one import from its start to its end. Progress arrives as push events (written into
// the cached `imports/current`, see useLiveUpdates); the poll is the fallback when the event
// stream is reconnecting. The import has ended when the running one is no longer it, as read
// after it was started (an older answer could predate it), and then its history row exists.

const POLL_MS = 1000;

export function useImportRun(run: { id: number; startedAt: number } | null) {
  const current = useHandlerQuery(
    'imports/current',
    {},
    {
      enabled: run !== null,
      refetchInterval: POLL_MS,
      staleTime: 0,
    },
  );
  const fresh = run !== null && current.isSuccess && current.dataUpdatedAt >= run.startedAt;
  const running = fresh && current.data?.id === run.id;
  const ended = fresh && !running;
  const summary = useHandlerQuery(
    'imports/get',
    { id: run?.id ?? 0 },
    { enabled: run !== null && ended, staleTime: Infinity },
  );
  return {
    progress: running ? (current.data?.progreso ?? null) : null,
    summary: ended ? (summary.data ?? null) : null,
    error: current.error ?? summary.error,
  };
}

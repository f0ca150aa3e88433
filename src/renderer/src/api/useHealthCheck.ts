import { useHandlerQuery } from './handlerQueries';

// app/info is cheap; polling it notices a stopped `gsih serve` (or a refused token) even while
// nobody clicks anything.
const HEALTH_POLL_MS = 10_000;

/** The one connection probe, shared by the header badge and the layout. */
export function useHealthCheck() {
  return useHandlerQuery('app/info', {}, { refetchInterval: HEALTH_POLL_MS, retry: false });
}

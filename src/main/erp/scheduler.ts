import type { Clock } from '../clock';
import type { Logger } from '../logger';

// When the ERP sync runs by itself: every N seconds after the last full run started, at once at
// start-up if that moment has passed (or it never ran), and never while a run is going on. The
// clock and the timers are injected, so tests move time by hand. The timer never sleeps more than
// a minute, so a changed schedule, a suspended laptop or a run by another process (which moves
// the last run) are noticed without being told.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerDeps {
  clock: Clock;
  timers?: Timers;
  logger: Logger;
  /** When the next run is due; null: none (not configured, or the schedule is off). */
  nextDue(): Date | null;
  /** Starts a scheduled run; resolves when it has ended. Throws if one is going on. */
  run(): Promise<unknown>;
  /** Whether a run is going on in this or another process. */
  busy(): boolean;
  maxSleepMs?: number;
}

export type ErpScheduler = ReturnType<typeof createErpScheduler>;

export function createErpScheduler(deps: SchedulerDeps) {
  const timers = deps.timers ?? realTimers;
  const maxSleepMs = deps.maxSleepMs ?? 60_000;
  let handle: unknown = null;
  let started = false;
  let running: Promise<void> | null = null;

  function arm(wait: number): void {
    if (!started || running) return;
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(
      () => {
        handle = null;
        void tick();
      },
      Math.max(0, Math.min(maxSleepMs, wait)),
    );
  }

  /** Runs if a run is due and none is going on; then sets the timer again. */
  async function tick(): Promise<void> {
    if (!started || running) return;
    const due = deps.nextDue();
    const startedAt = deps.clock.now().getTime();
    if (due === null) return arm(maxSleepMs);
    if (due.getTime() > startedAt) return arm(due.getTime() - startedAt);
    // Due, but another process is running one: look again later.
    if (deps.busy()) return arm(maxSleepMs);
    running = (async () => {
      try {
        await deps.run();
      } catch (error) {
        // A run that fails is recorded by the run itself; this is only about starting it.
        deps.logger.warn('erp: the scheduled sync could not start', error);
      }
    })();
    try {
      await running;
    } finally {
      running = null;
    }
    const next = deps.nextDue();
    // A run longer than the interval: the next is due already and starts now. One that could
    // not even start left the schedule where it was: wait, rather than try again at once.
    if (next !== null && next.getTime() <= startedAt) return arm(maxSleepMs);
    return tick();
  }

  return {
    /** Starts the schedule; a run that is overdue starts now. */
    start(): Promise<void> {
      if (started) return Promise.resolve();
      started = true;
      return tick();
    },
    tick,
    /** The schedule or the last run changed: look again now. */
    reschedule(): void {
      if (started && !running) arm(0);
    },
    /** Resolves once no scheduled run is going on (stop() itself does not cancel it). */
    stop(): Promise<void> {
      started = false;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      return running ?? Promise.resolve();
    },
  };
}

import type { Db } from './open';

/**
 * Follows the data-change counter for one connection, so the process that owns it can tell its
 * own writes from other connections' (see migration 0007 and `watchExternalChanges` in core.ts).
 */
export interface ChangeTracker {
  /** The counter as this connection last left it or saw it. */
  seen: number;
  /** Set when one of our writes found the counter moved by someone else since `seen`. */
  external: boolean;
}

const trackers = new WeakMap<Db, ChangeTracker>();

/** Starts following the counter on `db` (the core's own connection). */
export function trackChanges(db: Db): ChangeTracker {
  const tracker = { seen: readChangeCounter(db), external: false };
  trackers.set(db, tracker);
  return tracker;
}

export function readChangeCounter(db: Db): number {
  return db.prepare('SELECT n FROM data_changes WHERE id = 1').pluck().get() as number;
}

/**
 * A write transaction that takes the write lock when it begins (BEGIN IMMEDIATE) and bumps the
 * data-change counter. Other connections write to the same file at the same time (the integration
 * log's writer thread, an import's worker, a one-shot `gsih` command); a deferred transaction
 * that reads first and then writes fails at once with SQLITE_BUSY if one of them commits in
 * between, while an immediate one waits for the lock under busy_timeout like any single
 * statement.
 *
 * `dataChange: false` is for bookkeeping that neither the API's cached answers nor other
 * processes' windows show (the webhook queue's leases and attempts): it leaves the counter alone,
 * so it neither costs a row write per commit nor empties every cache several times a second.
 */
export function writeTransaction<F extends (...args: never[]) => unknown>(
  db: Db,
  fn: F,
  { dataChange = true }: { dataChange?: boolean } = {},
): (...args: Parameters<F>) => ReturnType<F> {
  if (!dataChange) {
    const bare = db.transaction(fn).immediate as unknown as (
      ...args: Parameters<F>
    ) => ReturnType<F>;
    return (...args) => bare(...args);
  }
  const read = db.prepare('SELECT n FROM data_changes WHERE id = 1').pluck();
  const bump = db.prepare('UPDATE data_changes SET n = ? WHERE id = 1');
  const withBump = ((...args: Parameters<F>) => {
    const result = fn(...args);
    const before = read.get() as number;
    bump.run(before + 1);
    const tracker = trackers.get(db);
    if (tracker) {
      if (before !== tracker.seen) tracker.external = true;
      tracker.seen = before + 1;
    }
    return result;
  }) as unknown as F;
  const immediate = db.transaction(withBump).immediate as unknown as (
    ...args: Parameters<F>
  ) => ReturnType<F>;
  return (...args) => immediate(...args);
}

/** What {@link ifWriteLockFree} returns when another connection holds the write lock. */
export const LOCKED = Symbol('locked');

/**
 * Runs a background write only if the write lock is free within `waitMs` (long enough for the log
 * writer's batch commit, far shorter than an import's), instead of waiting for it under
 * busy_timeout. On the thread that serves the API and the UI, waiting freezes the event loop for
 * as long as another connection writes, and an import's worker holds the lock for seconds while
 * it commits a large file. For writes that can simply be tried again later: a dispatcher's idle
 * poll, a key's last use.
 */
export function ifWriteLockFree<T>(db: Db, fn: () => T, waitMs = 20): T | typeof LOCKED {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${waitMs}`);
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return LOCKED;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

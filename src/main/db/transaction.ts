import type { Db } from './open';

/**
 * A write transaction that takes the write lock when it begins (BEGIN IMMEDIATE). Other
 * connections write to the same file at the same time (the integration log's writer thread, an
 * import's worker, a one-shot `gsih` command); a deferred transaction that reads first and then
 * writes fails at once with SQLITE_BUSY if one of them commits in between, while an immediate one
 * waits for the lock under busy_timeout like any single statement.
 */
export function writeTransaction<F extends (...args: never[]) => unknown>(
  db: Db,
  fn: F,
): (...args: Parameters<F>) => ReturnType<F> {
  const immediate = db.transaction(fn).immediate as unknown as (
    ...args: Parameters<F>
  ) => ReturnType<F>;
  return (...args) => immediate(...args);
}

/** What {@link ifWriteLockFree} returns when another connection holds the write lock. */
export const LOCKED = Symbol('locked');

/**
 * Runs a background write only if the write lock is free now, instead of waiting for it under
 * busy_timeout. On the thread that serves the API and the UI, waiting freezes the event loop for
 * as long as another connection writes, and an import's worker holds the lock for seconds while
 * it commits a large file. For writes that can simply be tried again later: a dispatcher's idle
 * poll, a key's last use.
 */
export function ifWriteLockFree<T>(db: Db, fn: () => T): T | typeof LOCKED {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
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

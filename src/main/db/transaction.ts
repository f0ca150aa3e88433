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

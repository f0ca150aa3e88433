import { join } from 'node:path';

// Where imports keep their files, inside the data directory: the rejected-rows reports (kept, so
// the history can offer them again), the scratch staging file of the import running, its lock.

export const IMPORTS_DIR = 'imports';

/** An import's rejected-rows report, relative to the data directory. */
export function rejectedCsvPath(id: number): string {
  return join(IMPORTS_DIR, `${id}-rechazadas.csv`);
}

/** The staging database of a running import (deleted when it ends), relative to the data directory. */
export function stagingPath(id: number): string {
  return join(IMPORTS_DIR, `${id}-preparacion.db`);
}

export const LOCK_PATH = join(IMPORTS_DIR, 'importacion.lock');

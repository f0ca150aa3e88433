import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { acquireRunLock, readRunLock, type RunLock } from '../run-lock';
import type { ImportKind } from './types';
import type { ImportOrigin } from '../../shared/imports';
import { IMPORTS_DIR, LOCK_PATH } from './files';

// One import at a time per data directory, whichever process runs it (the desktop app,
// `gsih serve`'s UI, `gsih import`): `imports/importacion.lock` names the process and the import
// (see run-lock.ts for how it is taken).

export interface ImportLockInfo {
  pid: number;
  /** Set once the import has its id (right after the lock is taken). */
  id: number | null;
  archivo: string;
  tipo: ImportKind;
  origen: ImportOrigin;
  usuario: string;
  inicio: string;
}

export type ImportLock = RunLock<ImportLockInfo>;

const lockPath = (dataDir: string) => join(dataDir, LOCK_PATH);

/** The import running now in this data directory (any process), or null. */
export function readImportLock(dataDir: string): ImportLockInfo | null {
  return readRunLock<ImportLockInfo>(lockPath(dataDir));
}

/**
 * Takes the lock or refuses with a message for the staff. `onStale` is told about an import whose
 * process died before it ended (it left its lock behind), once, by the process that takes over.
 */
export function acquireImportLock(
  dataDir: string,
  info: Omit<ImportLockInfo, 'pid' | 'id'>,
  onStale: (stale: ImportLockInfo) => void,
): ImportLock {
  mkdirSync(join(dataDir, IMPORTS_DIR), { recursive: true });
  return acquireRunLock<ImportLockInfo>(
    lockPath(dataDir),
    { pid: process.pid, id: null, ...info },
    {
      busy,
      onStale,
      contended: 'No se pudo reservar la importación; inténtelo de nuevo.',
    },
  );
}

function busy(holder: ImportLockInfo): AppError {
  const since = new Date(holder.inicio).toLocaleTimeString('es-ES', {
    hour: '2-digit',
    minute: '2-digit',
  });
  const who =
    holder.origen === 'cli'
      ? `«gsih import», PID ${holder.pid}`
      : `la aplicación, PID ${holder.pid}`;
  return new AppError(
    'CONFLICT',
    `Ya hay una importación en curso en este directorio de datos: ${holder.archivo} ` +
      `(${holder.tipo}, desde las ${since}, ${who}). Espere a que termine o cancélela.`,
  );
}

/** Scratch files an import leaves only if its process dies: safe to delete under the lock. */
export function removeLeftovers(dataDir: string, keep: string | null = null): void {
  const dir = join(dataDir, IMPORTS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const leftover =
      /-preparacion\.db(-journal|-wal|-shm)?$/.test(name) || /-rechazadas\.csv\.tmp$/.test(name);
    if (leftover && join(dir, name) !== keep) rmSync(join(dir, name), { force: true });
  }
}

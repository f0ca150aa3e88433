import {
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { isProcessAlive } from '../process-alive';
import type { ImportKind } from './types';
import type { ImportOrigin } from './history';
import { IMPORTS_DIR, LOCK_PATH } from './files';

// One import at a time per data directory, whichever process runs it (the desktop app,
// `gsih serve`'s UI, `gsih import`): `imports/importacion.lock` names the process and the import.
// It is created with its content in one step (a hard link of a finished file), so nobody ever
// reads a half-written lock; a lock whose process died is taken over by renaming it away first,
// so two processes cannot both take over the same one.

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

export interface ImportLock {
  update(patch: Partial<ImportLockInfo>): void;
  release(): void;
}

const lockPath = (dataDir: string) => join(dataDir, LOCK_PATH);

function readInfo(file: string): ImportLockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as ImportLockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** The import running now in this data directory (any process), or null. */
export function readImportLock(dataDir: string): ImportLockInfo | null {
  const info = readInfo(lockPath(dataDir));
  return info && isProcessAlive(info.pid) ? info : null;
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
  const dir = join(dataDir, IMPORTS_DIR);
  mkdirSync(dir, { recursive: true });
  const file = lockPath(dataDir);
  let current: ImportLockInfo = { pid: process.pid, id: null, ...info };
  const draft = `${file}.${process.pid}.tmp`;

  for (let attempt = 0; attempt < 3; attempt++) {
    writeFileSync(draft, JSON.stringify(current));
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readInfo(file);
      if (holder && isProcessAlive(holder.pid)) throw busy(holder);
      takeOver(file, onStale);
      continue;
    } finally {
      rmSync(draft, { force: true });
    }
    return {
      update(patch) {
        current = { ...current, ...patch };
        writeFileSync(draft, JSON.stringify(current));
        renameSync(draft, file);
      },
      release() {
        if (readInfo(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new AppError('CONFLICT', 'No se pudo reservar la importación; inténtelo de nuevo.');
}

function takeOver(file: string, onStale: (stale: ImportLockInfo) => void): void {
  const claimed = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, claimed);
  } catch (error) {
    // Another process took it over first, or its owner released it just now: try again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const stale = readInfo(claimed);
    if (stale) onStale(stale);
  } finally {
    unlinkSync(claimed);
  }
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

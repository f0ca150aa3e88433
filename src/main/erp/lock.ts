import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ErpRunKind, ErpRunOrigin } from '../../shared/erp';
import { isProcessAlive } from '../process-alive';

// One ERP run at a time per data directory, whichever process runs it (the app's schedule,
// «Sincronizar ahora», `gsih erp sync` beside `gsih serve`): `erp/sincronizacion.lock` names the
// process and the run. As the CSV import's lock (imports/lock.ts): created with its content in
// one step (a hard link of a finished file), so nobody reads a half-written lock; one whose
// process died is taken over by renaming it away first, so two processes cannot both take it.

export const ERP_DIR = 'erp';
const LOCK_FILE = join(ERP_DIR, 'sincronizacion.lock');

export interface ErpLockInfo {
  pid: number;
  /** The run's id, once its row exists (right after the lock is taken). */
  ejecucion: number | null;
  tipo: ErpRunKind;
  origen: ErpRunOrigin;
  inicio: string;
}

export interface ErpLock {
  setRun(id: number): void;
  release(): void;
}

function readInfo(file: string): ErpLockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as ErpLockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** The run going on now in this data directory (any process), or null. */
export function readErpLock(dataDir: string): ErpLockInfo | null {
  const info = readInfo(join(dataDir, LOCK_FILE));
  return info && isProcessAlive(info.pid) ? info : null;
}

/**
 * Takes the lock or refuses with who holds it. `onStale` is told about a run whose process died
 * before it ended (it left its lock behind), once, by the process that takes over.
 */
export function acquireErpLock(
  dataDir: string,
  info: Omit<ErpLockInfo, 'pid' | 'ejecucion'>,
  onStale: (stale: ErpLockInfo) => void,
): ErpLock {
  mkdirSync(join(dataDir, ERP_DIR), { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  let current: ErpLockInfo = { pid: process.pid, ejecucion: null, ...info };
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
      setRun(id) {
        current = { ...current, ejecucion: id };
        writeFileSync(draft, JSON.stringify(current));
        renameSync(draft, file);
      },
      release() {
        if (readInfo(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new AppError(
    'CONFLICT',
    'No se pudo reservar la sincronización con el ERP; inténtelo de nuevo.',
  );
}

function takeOver(file: string, onStale: (stale: ErpLockInfo) => void): void {
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

export function busyMessage(
  holder: Pick<ErpLockInfo, 'pid' | 'origen' | 'inicio'>,
  own: boolean,
): string {
  const since = new Date(holder.inicio).toLocaleTimeString('es-ES', {
    hour: '2-digit',
    minute: '2-digit',
  });
  const who = own
    ? 'este mismo proceso'
    : holder.origen === 'cli'
      ? `«gsih erp sync», PID ${holder.pid}`
      : `el servicio, PID ${holder.pid}`;
  return `Ya hay una sincronización con el ERP en curso en este directorio de datos (desde las ${since}, ${who}). Espere a que termine.`;
}

function busy(holder: ErpLockInfo): AppError {
  return new AppError('CONFLICT', busyMessage(holder, false));
}

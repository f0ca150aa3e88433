import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ErpRunKind, ErpRunOrigin } from '../../shared/erp';
import { acquireRunLock, readRunLock } from '../run-lock';

// One ERP run at a time per data directory, whichever process runs it (the app's schedule,
// «Sincronizar ahora», `gsih erp sync` beside `gsih serve`): `erp/sincronizacion.lock` names the
// process and the run (see run-lock.ts for how it is taken).

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

/** The run going on now in this data directory (any process), or null. */
export function readErpLock(dataDir: string): ErpLockInfo | null {
  return readRunLock<ErpLockInfo>(join(dataDir, LOCK_FILE));
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
  const lock = acquireRunLock<ErpLockInfo>(
    join(dataDir, LOCK_FILE),
    { pid: process.pid, ejecucion: null, ...info },
    {
      busy,
      onStale,
      contended: 'No se pudo reservar la sincronización con el ERP; inténtelo de nuevo.',
    },
  );
  return { setRun: (id) => lock.update({ ejecucion: id }), release: () => lock.release() };
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

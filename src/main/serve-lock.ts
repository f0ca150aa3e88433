import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { ensureDataDir } from './settings/paths';
import { isProcessAlive } from './process-alive';

export const LOCK_FILE = 'serve.lock';

export interface ServeLockInfo {
  pid: number;
  started: string;
  /** How the process serves the data (desktop app or headless), for `gsih status`. */
  mode: 'desktop' | 'headless';
  ui?: string | undefined;
  api?: string | undefined;
}

export interface ServeLock {
  update(info: Partial<ServeLockInfo>): void;
  release(): void;
}

export function readServeLock(dataDir: string): ServeLockInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as ServeLockInfo;
    return typeof info.pid === 'number' && isProcessAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/**
 * Only one process may serve a data directory (run its API, dispatcher and schedulers); one-shot
 * commands may still open the database beside it. A lock left by a process that died is taken over.
 */
export function acquireServeLock(
  dataDir: string,
  info: Omit<ServeLockInfo, 'pid' | 'started'>,
): ServeLock {
  ensureDataDir(dataDir);
  const file = join(dataDir, LOCK_FILE);
  let current: ServeLockInfo = { pid: process.pid, started: new Date().toISOString(), ...info };

  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readServeLock(dataDir);
      if (holder) {
        throw new AppError(
          'DATA_DIR_IN_USE',
          `Este directorio de datos ya lo está sirviendo otro proceso de GSIH (PID ${holder.pid}, ` +
            `${holder.mode === 'desktop' ? 'aplicación de escritorio' : 'gsih serve'}). ` +
            `Ciérrelo primero o use otro --data-dir.`,
        );
      }
      unlinkSync(file); // stale: its process is gone
      continue;
    }
    writeSync(fd, JSON.stringify(current));
    closeSync(fd);
    return {
      update(patch) {
        current = { ...current, ...patch };
        writeFileSync(file, JSON.stringify(current));
      },
      release() {
        try {
          const onDisk = JSON.parse(readFileSync(file, 'utf8')) as ServeLockInfo;
          if (onDisk.pid === process.pid) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      },
    };
  }
  throw new AppError(
    'DATA_DIR_IN_USE',
    'No se pudo tomar el directorio de datos; inténtelo de nuevo.',
  );
}

import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { AppError } from '../shared/errors';
import { isProcessAlive } from './process-alive';

// One long job of a kind at a time per data directory, whichever process runs it (a CSV import,
// an ERP run): a lock file names the process and the job. It is created with its content in one
// step (a hard link of a finished file), so nobody ever reads a half-written lock; a lock whose
// process died is taken over by renaming it away first, so two processes cannot both take over
// the same one.

export interface RunLock<T> {
  /** Rewrites the lock's content (atomically), e.g. once the job has its id. */
  update(patch: Partial<T>): void;
  release(): void;
}

export interface RunLockOptions<T> {
  /** The refusal when a live process holds the lock. */
  busy(holder: T): AppError;
  /** Told about a job whose process died before it ended, once, by the process taking over. */
  onStale(stale: T): void;
  /** Said if the lock changed hands three times while taking it (a message for the staff). */
  contended: string;
}

function readInfo<T extends { pid: number }>(file: string): T | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as T;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** What the lock file names, if its process is alive. */
export function readRunLock<T extends { pid: number }>(file: string): T | null {
  const info = readInfo<T>(file);
  return info && isProcessAlive(info.pid) ? info : null;
}

/** Takes the lock at `file` (its folder must exist) or throws `options.busy(holder)`. */
export function acquireRunLock<T extends { pid: number }>(
  file: string,
  info: T,
  options: RunLockOptions<T>,
): RunLock<T> {
  let current = info;
  const draft = `${file}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 3; attempt++) {
    writeFileSync(draft, JSON.stringify(current));
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readInfo<T>(file);
      if (holder && isProcessAlive(holder.pid)) throw options.busy(holder);
      takeOver(file, options.onStale);
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
        if (readInfo<T>(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new AppError('CONFLICT', options.contended);
}

function takeOver<T extends { pid: number }>(file: string, onStale: (stale: T) => void): void {
  const claimed = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, claimed);
  } catch (error) {
    // Another process took it over first, or its owner released it just now: try again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const stale = readInfo<T>(claimed);
    if (stale) onStale(stale);
  } finally {
    unlinkSync(claimed);
  }
}

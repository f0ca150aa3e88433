import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serializeError, type SerializedError } from '../../shared/errors';
import { systemClock } from '../clock';
import { toDatabaseError } from '../db/open';
import { runImport, type ApplyProgress, type ImportJob, type ImportSource } from './apply';
import type { EndedImport } from './history';
import { previewCsv, readCsv } from './read';
import type { ReadOptions } from './types';

// The import's worker thread (bundled to out/main/import-worker.js): reads, checks and applies
// one file on a database connection of its own, so the main thread's event loop (IPC, the UI
// bridge, the external API) never waits for it. The service (service.ts) starts one per import.

export interface ImportWorkerData {
  databaseFile: string;
  dataDir: string;
  stagingFile: string;
  nativeBinding?: string | undefined;
  path: string;
  readOptions: ReadOptions;
  job: Omit<ImportJob, 'startedAt'> & { startedAt: string };
  /** Int32Array[0] = 1 asks the import to stop: polled between batches and chunks, including
   * inside the write transaction, when the worker's own event loop cannot take a message. */
  cancelFlag: SharedArrayBuffer;
}

export interface WorkerProgress extends ApplyProgress {
  bytes: number;
  bytes_totales: number;
  filas_por_segundo: number;
  transcurrido_ms: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: WorkerProgress }
  /** Why an import failed (it is then FALLIDA in the history): for the app's log. */
  | { type: 'failure'; message: string }
  | { type: 'done'; ended: EndedImport }
  /** The import could not even be recorded (the database cannot be opened or written). */
  | { type: 'error'; error: SerializedError };

const PROGRESS_INTERVAL_MS = 100;
const BATCH_SIZE = 5000;

async function main(data: ImportWorkerData): Promise<WorkerMessage> {
  const db = new Database(
    data.databaseFile,
    data.nativeBinding ? { nativeBinding: data.nativeBinding } : {},
  );
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Room for the articles' indexes while a large file is applied (the default is 2 MB).
    db.pragma('cache_size = -32768');

    const cancel = new Int32Array(data.cancelFlag);
    const started = performance.now();
    let bytes = 0;
    let totalBytes = 0;
    let phase: ApplyProgress['fase'] | null = null;
    let phaseStarted = started;
    let lastSent = 0;
    const onProgress = (progress: ApplyProgress) => {
      const now = performance.now();
      const changed = progress.fase !== phase;
      if (changed) {
        phase = progress.fase;
        phaseStarted = now;
      }
      if (!changed && now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      const seconds = (now - phaseStarted) / 1000;
      post({
        type: 'progress',
        progress: {
          ...progress,
          bytes,
          bytes_totales: totalBytes,
          // Rows flow only while reading and while saving.
          filas_por_segundo:
            seconds > 0 && (phase === 'lectura' || phase === 'aplicacion')
              ? Math.round(progress.filas / seconds)
              : 0,
          transcurrido_ms: Math.round(now - started),
        },
      });
    };

    const openSource = async (): Promise<ImportSource> => {
      const before = statSync(data.path);
      totalBytes = before.size;
      // Plans the reading the way readCsv will (deterministic), for the headers and detection.
      const plan = await previewCsv(data.path, data.readOptions, 0);
      return {
        detection: plan.detection,
        headers: plan.headers,
        mapping: plan.mapping,
        bytes: before.size,
        records: () =>
          readCsv(data.path, data.readOptions, {
            batchSize: BATCH_SIZE,
            onProgress: (p) => {
              bytes = p.bytes;
              totalBytes = p.totalBytes;
            },
          }),
        unchanged: () => {
          const now = statSync(data.path);
          return now.size === before.size && now.mtimeMs === before.mtimeMs;
        },
      };
    };

    const ended = await runImport(
      { db, clock: systemClock, dataDir: data.dataDir, stagingFile: data.stagingFile },
      { ...data.job, startedAt: new Date(data.job.startedAt) },
      openSource,
      {
        isCancelled: () => Atomics.load(cancel, 0) === 1,
        onProgress,
        onFailure: (error) => post({ type: 'failure', message: describe(error) }),
      },
    );
    checkpoint(db);
    return { type: 'done', ended };
  } finally {
    db.close();
  }
}

/**
 * Copies the import's WAL frames (hundreds of MB after a large file) into the database here.
 * Otherwise the next commit of the main thread would (SQLite's automatic checkpoint) and stall
 * its event loop for as long. PASSIVE never waits on anyone; readers that still use the old
 * snapshot make it stop short, so it is retried briefly.
 */
function checkpoint(db: Database.Database): void {
  for (let attempt = 0; attempt < 10; attempt++) {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{
      busy: number;
      log: number;
      checkpointed: number;
    }>;
    if (!result || result.log === result.checkpointed) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
  }
  return String(error);
}

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

if (parentPort) {
  const data = workerData as ImportWorkerData;
  main(data).then(post, (error: unknown) =>
    post({ type: 'error', error: serializeError(toDatabaseError(error, data.databaseFile)) }),
  );
}

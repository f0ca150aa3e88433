import { Worker } from 'node:worker_threads';

/** One integration-log row as stored. */
export interface LogRow {
  sistema: string;
  tipo: string;
  estado: string;
  datos_enviados: string | null;
  datos_recibidos: string | null;
  error: string | null;
  duracion_ms: number | null;
  fecha: string;
}

export interface LogWriterThread {
  /** Hands rows to the thread and returns at once; false when the thread is gone. */
  post(rows: LogRow[]): boolean;
  /** Blocks until every row posted so far is committed (or failed); false on timeout. */
  drain(timeoutMs?: number): boolean;
  close(): Promise<void>;
}

export interface LogWriterThreadOptions {
  file: string;
  nativeBinding?: string | undefined;
  /** After each batch, with how many rows were committed. */
  onCommitted(count: number): void;
  /** A batch that could not be written (its rows are lost) or a thread that died. */
  onError(message: string, lost: number): void;
  checkpointIntervalMs?: number;
}

// The thread's whole program. It runs from source text (an `eval` worker), so it works the same
// from the bundle in out/ and from the TypeScript sources under vitest; it must therefore be
// self-contained: everything it uses comes through `require` and `workerData`.
function logWriterMain() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads');
  const Database = require(workerData.driver);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const db = new Database(
    workerData.file,
    workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {},
  );
  // Waiting on another writer (an import's commit, a one-shot command) blocks only this thread.
  db.pragma('busy_timeout = 30000');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT INTO integration_log (sistema, tipo, estado, datos_enviados,
    datos_recibidos, error, duracion_ms, fecha) VALUES (@sistema, @tipo, @estado, @datos_enviados,
    @datos_recibidos, @error, @duracion_ms, @fecha)`);
  const insertAll = db.transaction((rows: unknown[]) => {
    for (const row of rows) insert.run(row);
  });
  const done = new Int32Array(workerData.progress);
  parentPort.on('message', ({ seq, rows }: { seq: number; rows: unknown[] }) => {
    try {
      insertAll(rows);
      parentPort.postMessage({ committed: rows.length });
    } catch (error) {
      parentPort.postMessage({ error: String((error as Error)?.message), lost: rows.length });
    }
    Atomics.store(done, 0, seq);
    Atomics.notify(done, 0);
  });
  // The main connection does not checkpoint (its autocheckpoint is off): copying the WAL back
  // into the database, with its fsync, happens here, away from the event loop that serves the API.
  setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or locked: the next round will do it.
    }
  }, workerData.checkpointIntervalMs).unref();
}

/**
 * The integration log's writer thread: the API writes one row per request, and committing them
 * (and checkpointing the WAL) on the main thread cost the API about a fifth of its time and its
 * latency spikes. Rows are batched by the caller and posted here; `drain` gives read-your-writes.
 */
export function startLogWriterThread(options: LogWriterThreadOptions): LogWriterThread {
  const progress = new SharedArrayBuffer(4);
  const done = new Int32Array(progress);
  let posted = 0;
  let alive = true;
  const worker = new Worker(`(${logWriterMain.toString()})()`, {
    eval: true,
    workerData: {
      driver: require.resolve('better-sqlite3'),
      file: options.file,
      nativeBinding: options.nativeBinding,
      progress,
      checkpointIntervalMs: options.checkpointIntervalMs ?? 2000,
    },
  });
  worker.unref();
  worker.on('message', (message: { committed?: number; error?: string; lost?: number }) => {
    if (message.error !== undefined) options.onError(message.error, message.lost ?? 0);
    else options.onCommitted(message.committed ?? 0);
  });
  worker.on('error', (error) => {
    alive = false;
    options.onError(error.message, posted - Atomics.load(done, 0));
  });
  worker.on('exit', () => {
    alive = false;
  });

  return {
    post(rows) {
      if (!alive) return false;
      posted++;
      worker.postMessage({ seq: posted, rows });
      return true;
    },
    drain(timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const seen = Atomics.load(done, 0);
        if (seen >= posted || !alive) return seen >= posted;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        Atomics.wait(done, 0, seen, left);
      }
    },
    async close() {
      this.drain();
      await worker.terminate();
    },
  };
}

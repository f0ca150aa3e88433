import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { IntegrationLog } from '../logs/integration-log';
import { AppError } from '../../shared/errors';
import type { Page } from '../../shared/domain';
import type {
  ImportIssue,
  ImportOptions,
  ImportOrigin,
  ImportProgress,
  ImportSummary,
  IssueSeverity,
  RunningImport,
} from '../../shared/imports';
import { stagingPath } from './files';
import { createImportHistory, EMPTY_COUNTS, type EndedImport } from './history';
import { acquireImportLock, readImportLock, removeLeftovers, type ImportLockInfo } from './lock';
import { previewCsv } from './read';
import type { CsvPreview, ImportKind, ReadOptions } from './types';
import type { ImportWorkerData, WorkerMessage } from './worker';

// The import service of the core: previews a file, runs one import at a time per data directory
// in a worker thread (worker.ts) with its own connection, reports progress, cancels, and keeps
// the history with its problems and rejected-rows reports.

export interface ImportRequest {
  /** The CSV file, on this machine. */
  path: string;
  tipo: ImportKind;
  /** What the preview showed, possibly corrected by hand: encoding, delimiter, number format, columns. */
  lectura?: Omit<ReadOptions, 'kind'>;
  /** Dry run: count what would change, write nothing but the history row. */
  simulacion?: boolean;
  /** Import the valid rows and reject the rest, instead of all or nothing. */
  omitir_errores?: boolean;
  /** Stock: add the quantities (ENTRADA) instead of setting the counted stock (AJUSTE). */
  sumar?: boolean;
  origen: ImportOrigin;
  /** Who: 'ui:maria', 'cli:almacen' (the actor of the request). */
  usuario: string;
}

export type ImportEvent =
  | { tipo: 'progreso'; progreso: ImportProgress }
  | { tipo: 'terminada'; importacion: ImportSummary };

export interface ImportHandle {
  id: number;
  /** Resolves with the history row when the import has ended, however it ended. */
  done: Promise<ImportSummary>;
}

export interface ImportServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  log: IntegrationLog;
  dataDir: string;
  databaseFile: string;
  /** The built worker (out/main/import-worker.js); undefined where imports cannot run. */
  workerFile: string | undefined;
  nativeBinding?: string | undefined;
  /** Called after an import changed the inventory (committed). */
  onImported?: (summary: ImportSummary) => void;
}

export type ImportService = ReturnType<typeof createImportService>;

interface Current {
  id: number;
  info: ImportLockInfo;
  worker: Worker;
  cancel: Int32Array;
  progress: ImportProgress | null;
  done: Promise<ImportSummary>;
}

// How long close() lets a cancelled import roll back before stopping its thread.
const CLOSE_GRACE_MS = 10_000;

export function createImportService(deps: ImportServiceDeps) {
  const { db, clock, logger, log, dataDir } = deps;
  const history = createImportHistory(db, dataDir);
  const listeners = new Set<(event: ImportEvent) => void>();
  let current: Current | null = null;

  const emit = (event: ImportEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error('import listener failed', error);
      }
    }
  };

  /** Records an import that could not record itself: FALLIDA (nothing was written). */
  function recordFailed(info: ImportLockInfo & { id: number }, error: string): void {
    const ended: EndedImport = {
      id: info.id,
      archivo: info.archivo,
      tipo: info.tipo,
      origen: info.origen,
      usuario: info.usuario,
      estado: 'FALLIDA',
      simulacion: false,
      opciones: emptyOptions(),
      deteccion: null,
      bytes: null,
      ...EMPTY_COUNTS,
      duracion_ms: Math.max(0, clock.now().getTime() - new Date(info.inicio).getTime()),
      error,
      archivo_rechazadas: null,
      fecha_inicio: info.inicio,
      fecha_fin: clock.now().toISOString(),
    };
    writeTransaction(db, () => history.insert(ended))();
  }

  /** An import whose process died before it ended (it left its lock): FALLIDA in the history. */
  function recordInterrupted(stale: ImportLockInfo): void {
    removeLeftovers(dataDir);
    if (stale.id === null || history.exists(stale.id)) return;
    recordFailed(
      { ...stale, id: stale.id },
      `Interrumpida: el proceso que la ejecutaba (PID ${stale.pid}) terminó antes de acabar. ` +
        'No se ha modificado nada; vuelva a importar el archivo.',
    );
    logEnded(history.get(stale.id));
  }

  function logEnded(summary: ImportSummary): void {
    const ok = summary.estado === 'COMPLETADA';
    log.write({
      sistema: 'Importación CSV',
      tipo: `${summary.simulacion ? 'simulación' : 'importación'} ${summary.tipo}`,
      estado:
        ok && !summary.simulacion ? 'OK' : ok || summary.estado === 'CANCELADA' ? 'INFO' : 'ERROR',
      datos_enviados: {
        importacion: summary.id,
        archivo: summary.archivo,
        tipo: summary.tipo,
        origen: summary.origen,
        usuario: summary.usuario,
        opciones: summary.opciones,
      },
      datos_recibidos: {
        estado: summary.estado,
        total: summary.total,
        creados: summary.creados,
        actualizados: summary.actualizados,
        sin_cambios: summary.sin_cambios,
        rechazados: summary.rechazados,
        errores: summary.errores,
        advertencias: summary.advertencias,
        informe_rechazadas: summary.rechazadas_csv,
      },
      error: summary.error,
      duracion_ms: summary.duracion_ms,
    });
  }

  function spawn(
    workerFile: string,
    id: number,
    request: ImportRequest,
    fileName: string,
    startedAt: Date,
    cancel: Int32Array,
  ): Worker {
    const lectura = request.lectura ?? {};
    const options: ImportOptions = {
      omitir_errores: request.omitir_errores ?? false,
      sumar: request.sumar ?? false,
      codificacion: lectura.encoding ?? null,
      delimitador: lectura.delimiter ?? null,
      formato_numeros: lectura.numberFormat ?? null,
      columnas: lectura.mapping ?? null,
    };
    const workerData: ImportWorkerData = {
      databaseFile: deps.databaseFile,
      dataDir,
      stagingFile: join(dataDir, stagingPath(id)),
      nativeBinding: deps.nativeBinding,
      path: request.path,
      readOptions: { ...lectura, kind: request.tipo },
      job: {
        id,
        kind: request.tipo,
        fileName,
        origin: request.origen,
        actor: request.usuario,
        dryRun: request.simulacion ?? false,
        skipErrors: request.omitir_errores ?? false,
        add: request.sumar ?? false,
        options,
        startedAt: startedAt.toISOString(),
      },
      cancelFlag: cancel.buffer as SharedArrayBuffer,
    };
    return new Worker(workerFile, { workerData });
  }

  function start(request: ImportRequest): ImportHandle {
    const workerFile = deps.workerFile;
    if (!workerFile) {
      throw new AppError('UNAVAILABLE', 'Este proceso no puede importar archivos CSV.');
    }
    checkFile(request.path);
    if (request.sumar && request.tipo !== 'stock') {
      throw new AppError('VALIDATION', 'La opción «sumar» solo vale para importar stock.', {
        sumar: 'Solo para stock',
      });
    }
    const startedAt = clock.now();
    const fileName = basename(request.path);
    const lock = acquireImportLock(
      dataDir,
      {
        archivo: fileName,
        tipo: request.tipo,
        origen: request.origen,
        usuario: request.usuario,
        inicio: startedAt.toISOString(),
      },
      recordInterrupted,
    );
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    let started: { id: number; worker: Worker };
    try {
      // A crash can leave scratch files only while no import holds the lock: none does now.
      removeLeftovers(dataDir);
      const id = history.nextId();
      lock.update({ id });
      started = { id, worker: spawn(workerFile, id, request, fileName, startedAt, cancel) };
    } catch (error) {
      lock.release();
      throw error;
    }
    const { id, worker } = started;

    const info: ImportLockInfo & { id: number } = {
      pid: process.pid,
      id,
      archivo: fileName,
      tipo: request.tipo,
      origen: request.origen,
      usuario: request.usuario,
      inicio: startedAt.toISOString(),
    };
    const done = new Promise<ImportSummary>((resolve, reject) => {
      let ended: EndedImport | null = null;
      let failure: string | null = null;
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'progress': {
            const progress: ImportProgress = { id, ...message.progress };
            if (current?.id === id) current.progress = progress;
            emit({ tipo: 'progreso', progreso: progress });
            break;
          }
          case 'failure':
            logger.error(`import ${id} failed: ${message.message}`);
            break;
          case 'done':
            ended = message.ended;
            break;
          case 'error':
            failure = message.error.message;
            break;
        }
      });
      worker.on('error', (error) => {
        failure = error.message;
        logger.error(`import ${id}: worker failed`, error);
      });
      worker.once('exit', () => {
        try {
          if (!ended && !history.exists(id)) {
            // The worker could not record it: the main thread does, so the history has it.
            recordFailed(
              info,
              `La importación falló y no se ha modificado nada: ${failure ?? 'el proceso de importación terminó sin acabar.'}`,
            );
          }
          const summary = history.get(id);
          logEnded(summary);
          if (
            summary.estado === 'COMPLETADA' &&
            !summary.simulacion &&
            summary.creados + summary.actualizados > 0
          ) {
            deps.onImported?.(summary);
          }
          emit({ tipo: 'terminada', importacion: summary });
          resolve(summary);
        } catch (error) {
          reject(error);
        } finally {
          if (current?.id === id) current = null;
          removeLeftovers(dataDir);
          lock.release();
        }
      });
    });
    current = { id, info, worker, cancel, progress: null, done };
    emit({
      tipo: 'progreso',
      progreso: {
        id,
        fase: 'inicio',
        filas: 0,
        total_filas: null,
        bytes: 0,
        bytes_totales: 0,
        filas_por_segundo: 0,
        transcurrido_ms: 0,
      },
    });
    return { id, done };
  }

  return {
    /** The first rows as they will be read, what was detected and the column mapping. */
    preview(path: string, options: ReadOptions, limit = 20): Promise<CsvPreview> {
      checkFile(path);
      return previewCsv(path, options, limit);
    },

    /** Starts an import in a worker thread; refuses if one is running in this data directory. */
    start,

    /** Asks the running import to stop; it rolls back and ends CANCELADA. False if it is not ours. */
    cancel(id: number): boolean {
      if (current?.id !== id) return false;
      Atomics.store(current.cancel, 0, 1);
      return true;
    },

    /** The import running now in this data directory (this process or another), or null. */
    running(): RunningImport | null {
      const info = current?.info ?? readImportLock(dataDir);
      if (!info) return null;
      const own = current !== null && info === current.info;
      return {
        id: info.id,
        archivo: info.archivo,
        tipo: info.tipo,
        origen: info.origen,
        usuario: info.usuario,
        fecha_inicio: info.inicio,
        pid: info.pid,
        propia: own,
        progreso: own ? (current?.progress ?? null) : null,
      };
    },

    subscribe(listener: (event: ImportEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    list(filter: {
      tipo?: ImportKind | undefined;
      page: number;
      page_size: number;
    }): Page<ImportSummary> {
      return history.list(filter);
    },

    get(id: number): ImportSummary {
      return history.get(id);
    },

    issues(
      id: number,
      filter: { severidad?: IssueSeverity | undefined; page: number; page_size: number },
    ): Page<ImportIssue> {
      return history.issues(id, filter);
    },

    /** The rejected-rows report of an import (absolute path), or null if it had none. */
    rejectedCsv(id: number): string | null {
      const summary = history.get(id);
      if (summary.rechazadas_csv === null) return null;
      try {
        statSync(summary.rechazadas_csv);
        return summary.rechazadas_csv;
      } catch {
        return null;
      }
    },

    /** Cancels the running import and waits for it to roll back (the core is stopping). */
    async close(): Promise<void> {
      const running = current;
      if (!running) return;
      Atomics.store(running.cancel, 0, 1);
      const timer = setTimeout(() => void running.worker.terminate(), CLOSE_GRACE_MS);
      try {
        await running.done;
      } catch (error) {
        logger.error(`import ${running.id}: could not be closed cleanly`, error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function checkFile(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new AppError('NOT_FOUND', `No existe el archivo «${path}».`);
  }
  if (!stat.isFile()) throw new AppError('VALIDATION', `«${path}» no es un archivo.`);
}

function emptyOptions(): ImportOptions {
  return {
    omitir_errores: false,
    sumar: false,
    codificacion: null,
    delimitador: null,
    formato_numeros: null,
    columnas: null,
  };
}

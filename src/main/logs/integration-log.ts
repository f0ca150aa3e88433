import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LogEntry, LogState, Page } from '../../shared/domain';
import { redact, redactText } from './redact';
import { containsPattern } from '../db/like';
import { startLogWriterThread, type LogWriterThread } from './writer-thread';

export interface LogInput {
  sistema: string;
  tipo: string;
  estado: LogState;
  datos_enviados?: unknown;
  datos_recibidos?: unknown;
  error?: string | null;
  duracion_ms?: number | null;
  /** Defaults to when write() was called, not when the batch is flushed. */
  fecha?: string;
}

/** A LogInput whose data is already redacted JSON text. */
export interface SerializedLogInput extends Omit<LogInput, 'datos_enviados' | 'datos_recibidos'> {
  datos_enviados: string | null;
  datos_recibidos: string | null;
}

export interface LogFilter {
  sistema?: string | undefined;
  tipo?: string | undefined;
  estado?: LogState | undefined;
  texto?: string | undefined;
  desde?: string | undefined;
  hasta?: string | undefined;
  page: number;
  page_size: number;
}

export interface IntegrationLogOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** A batch is written when it reaches this size or when the timer fires, whichever first. */
  maxBatch?: number;
  flushIntervalMs?: number;
  /** Called after a batch is on disk, with how many entries it held. */
  onFlushed?: (count: number) => void;
  /**
   * Commit batches on a writer thread with its own connection to this file (the app does; unit
   * tests of the batching use the inline writer). The caller turns its own connection's WAL
   * autocheckpoint off: the thread checkpoints.
   */
  thread?: { file: string; nativeBinding?: string | undefined };
}

// Stored payloads are capped so one huge response cannot bloat the log.
const MAX_STORED_CHARS = 16_384;

function serialize(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return bounded(JSON.stringify(redact(value)));
}

function bounded(json: string | null): string | null {
  return json !== null && json.length > MAX_STORED_CHARS
    ? JSON.stringify({ truncado: json.slice(0, MAX_STORED_CHARS) })
    : json;
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Row {
  sistema: string;
  tipo: string;
  estado: LogState;
  datos_enviados: string | null;
  datos_recibidos: string | null;
  error: string | null;
  duracion_ms: number | null;
  fecha: string;
}

export type IntegrationLog = ReturnType<typeof createIntegrationLog>;

/**
 * The integration log every capability writes to. Writes are buffered and committed in one
 * transaction per batch, so a busy API pays one disk write per batch rather than per request.
 */
export function createIntegrationLog({
  db,
  clock,
  logger,
  maxBatch = 500,
  flushIntervalMs = 250,
  onFlushed,
  thread,
}: IntegrationLogOptions) {
  let buffer: Row[] = [];
  let timer: NodeJS.Timeout | null = null;
  const insert = db.prepare(`INSERT INTO integration_log (sistema, tipo, estado, datos_enviados,
    datos_recibidos, error, duracion_ms, fecha) VALUES (@sistema, @tipo, @estado, @datos_enviados,
    @datos_recibidos, @error, @duracion_ms, @fecha)`);
  const insertAll = writeTransaction(db, (rows: Row[]) => {
    for (const row of rows) insert.run(row);
  });

  let writer: LogWriterThread | null = thread
    ? startLogWriterThread({
        ...thread,
        onCommitted: (count) => onFlushed?.(count),
        onError: (message, lost) => {
          logger.error(`integration log: ${lost} entries could not be written: ${message}`);
        },
      })
    : null;

  function writeInline(rows: Row[]): void {
    try {
      insertAll(rows);
    } catch (error) {
      // Losing log lines is better than losing the work they describe; say so in the app log.
      logger.error(`integration log: ${rows.length} entries could not be written`, error);
      return;
    }
    onFlushed?.(rows.length);
  }

  function writeInlineFromNowOn(why: string): void {
    logger.error(`integration log: the writer thread ${why}; writing on the main thread`);
    void writer?.close();
    writer = null;
    // Nobody else checkpoints this connection's WAL now.
    db.pragma('wal_autocheckpoint = 1000');
  }

  /** Hands the buffer to the writer; with `wait`, returns once it is on disk. */
  function flush({ wait = true }: { wait?: boolean } = {}): number {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const rows = buffer;
    buffer = [];
    if (!writer) {
      if (rows.length > 0) writeInline(rows);
      return rows.length;
    }
    if (rows.length > 0 && !writer.post(rows)) {
      writeInline(rows);
      writeInlineFromNowOn('stopped');
    } else if (wait && !writer.drain()) writeInlineFromNowOn('is not answering');
    return rows.length;
  }

  function push(row: Row): void {
    buffer.push(row);
    // The hot path hands batches over without waiting; readers call flush() to wait.
    if (buffer.length >= maxBatch) flush({ wait: false });
    else if (!timer) {
      timer = setTimeout(() => flush({ wait: false }), flushIntervalMs);
      timer.unref();
    }
  }

  return {
    write(entry: LogInput): void {
      push({
        sistema: entry.sistema,
        tipo: entry.tipo,
        estado: entry.estado,
        datos_enviados: serialize(entry.datos_enviados),
        datos_recibidos: serialize(entry.datos_recibidos),
        error: entry.error ? redactText(entry.error).slice(0, 4000) : null,
        duracion_ms: entry.duracion_ms ?? null,
        fecha: entry.fecha ?? clock.now().toISOString(),
      });
    },

    /**
     * For a caller that has already redacted and serialised its data (the API's row per request,
     * whose shape is fixed): skips the generic walk that `write` does over every value.
     */
    writeSerialized(entry: SerializedLogInput): void {
      push({
        sistema: entry.sistema,
        tipo: entry.tipo,
        estado: entry.estado,
        datos_enviados: bounded(entry.datos_enviados),
        datos_recibidos: bounded(entry.datos_recibidos),
        error: entry.error ? redactText(entry.error).slice(0, 4000) : null,
        duracion_ms: entry.duracion_ms ?? null,
        fecha: entry.fecha ?? clock.now().toISOString(),
      });
    },

    /** Writes what is buffered and waits until it is on disk (read-your-writes). */
    flush: (): number => flush(),

    pending(): number {
      return buffer.length;
    },

    list(filter: LogFilter): Page<LogEntry> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.sistema) {
        where.push('sistema = @sistema');
        params.sistema = filter.sistema;
      }
      if (filter.tipo) {
        where.push('tipo = @tipo');
        params.tipo = filter.tipo;
      }
      if (filter.estado) {
        where.push('estado = @estado');
        params.estado = filter.estado;
      }
      if (filter.texto) {
        where.push(
          `(error LIKE @texto ESCAPE '\\' OR datos_enviados LIKE @texto ESCAPE '\\' OR datos_recibidos LIKE @texto ESCAPE '\\')`,
        );
        params.texto = containsPattern(filter.texto);
      }
      if (filter.desde) {
        where.push('fecha >= @desde');
        params.desde = new Date(filter.desde).toISOString();
      }
      if (filter.hasta) {
        where.push('fecha <= @hasta');
        params.hasta = new Date(filter.hasta).toISOString();
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT count(*) AS n FROM integration_log ${clause}`).get(params) as {
          n: number;
        }
      ).n;
      const rows = db
        .prepare(
          `SELECT * FROM integration_log ${clause} ORDER BY fecha DESC, id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          ...params,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as Array<Row & { id: number }>;
      return {
        items: rows.map((r) => ({
          ...r,
          datos_enviados: parse(r.datos_enviados),
          datos_recibidos: parse(r.datos_recibidos),
        })),
        total,
        page: filter.page,
        page_size: filter.page_size,
      };
    },

    facets(): { sistemas: string[]; tipos: string[] } {
      const column = (name: 'sistema' | 'tipo') =>
        (
          db
            .prepare(`SELECT DISTINCT ${name} AS v FROM integration_log ORDER BY 1 LIMIT 200`)
            .all() as Array<{ v: string }>
        ).map((r) => r.v);
      return { sistemas: column('sistema'), tipos: column('tipo') };
    },

    /** Deletes entries older than `days` and then the oldest beyond `maxRows`. */
    prune({ days, maxRows }: { days: number; maxRows: number }): number {
      flush();
      const cutoff = new Date(clock.now().getTime() - days * 86_400_000).toISOString();
      const byAge = db.prepare('DELETE FROM integration_log WHERE fecha < ?').run(cutoff).changes;
      const byCount = db
        .prepare(
          `DELETE FROM integration_log WHERE id IN (
          SELECT id FROM integration_log ORDER BY fecha DESC, id DESC LIMIT -1 OFFSET ?)`,
        )
        .run(maxRows).changes;
      return byAge + byCount;
    },

    async close(): Promise<void> {
      flush();
      await writer?.close();
      writer = null;
    },
  };
}

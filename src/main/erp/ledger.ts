import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import { containsPattern } from '../db/like';
import type { Page } from '../../shared/domain';
import type { ErpLedgerEntry, ErpRecordKind, ErpRecordState } from '../../shared/erp';

// The sync ledger (erp_sync_records) as the UI lists it, the watermarks, and the queue of local
// movements to push: approved movements are read from the outbox (events 'movimiento_aprobado')
// after a cursor and queued as PENDIENTE rows keyed by their event id, in one transaction with
// the cursor, so none is queued twice or skipped, whatever process or crash comes between.

interface LedgerRow extends Omit<ErpLedgerEntry, 'datos'> {
  datos: string | null;
}

const toEntry = (row: LedgerRow): ErpLedgerEntry => ({
  ...row,
  datos: row.datos === null ? null : (JSON.parse(row.datos) as unknown),
});

export interface Watermark {
  fecha: string | null;
  referencia: string | null;
  secuencia: number | null;
}

/** The body of `POST {url}/api/movimientos`, as the seed sends it (plus the almacén). */
export interface MovementPush {
  tipo: string;
  articulo: string;
  cantidad: number;
  fecha: string;
  almacen: string;
}

export interface QueuedMovement {
  id: number;
  /** The outbox event's id: the Idempotency-Key. */
  referencia_externa: string;
  referencia_interna: string | null;
  body: MovementPush;
}

interface ApprovedEvent {
  seq: number;
  id: string;
  datos: string;
}

interface MovementEventData {
  movimiento: {
    id: number;
    tipo: string;
    cantidad: number;
    almacen: string;
    fecha: string;
    origen: string;
  };
  articulo: { codigo: string; referencia_externa: string | null };
}

const QUEUE_BATCH = 5_000;

export type ErpLedger = ReturnType<typeof createErpLedger>;

export function createErpLedger(db: Db) {
  const stmt = {
    watermark: db.prepare(
      'SELECT fecha, referencia, secuencia FROM erp_watermarks WHERE entidad = ?',
    ),
    setWatermark: db.prepare(`INSERT INTO erp_watermarks
        (entidad, fecha, referencia, ejecucion, fecha_actualizacion) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (entidad) DO UPDATE SET fecha = excluded.fecha, referencia = excluded.referencia,
        ejecucion = excluded.ejecucion, fecha_actualizacion = excluded.fecha_actualizacion`),
    setCursor: db.prepare(`INSERT INTO erp_watermarks
        (entidad, secuencia, ejecucion, fecha_actualizacion) VALUES ('movimientos', ?, ?, ?)
      ON CONFLICT (entidad) DO UPDATE SET secuencia = excluded.secuencia,
        ejecucion = excluded.ejecucion, fecha_actualizacion = excluded.fecha_actualizacion`),
    approvedAfter: db.prepare(`SELECT seq, id, datos FROM events
      WHERE evento = 'movimiento_aprobado' AND seq > ? ORDER BY seq LIMIT ?`),
    maxSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck(),
    queue: db.prepare(`INSERT OR IGNORE INTO erp_sync_records (tipo, referencia_externa,
        referencia_interna, estado, datos, intentos, ejecucion, fecha)
      VALUES ('movimiento', ?, ?, 'PENDIENTE', ?, 0, ?, ?)`),
    pending: db.prepare(`SELECT id, referencia_externa, referencia_interna, datos
      FROM erp_sync_records WHERE tipo = 'movimiento' AND estado = 'PENDIENTE' ORDER BY id LIMIT ?`),
    pushed: db.prepare(`UPDATE erp_sync_records SET estado = @estado, datos = @datos,
      error = @error, intentos = intentos + 1, ejecucion = @ejecucion, fecha = @fecha WHERE id = @id`),
    counts: db.prepare('SELECT estado, count(*) AS n FROM erp_sync_records GROUP BY estado'),
    errorIds: db
      .prepare(`SELECT id FROM erp_sync_records WHERE estado = 'ERROR' ORDER BY id LIMIT ?`)
      .pluck(),
    kindOf: db
      .prepare(`SELECT tipo FROM erp_sync_records WHERE id = ? AND estado = 'ERROR'`)
      .pluck(),
    requeue: db.prepare(`UPDATE erp_sync_records SET estado = 'PENDIENTE'
      WHERE id = ? AND tipo = 'movimiento' AND estado = 'ERROR'`),
  };

  // A write of its own still goes through writeTransaction, as every write in the app does.
  const writeAlone = writeTransaction(db, (write: () => unknown) => {
    write();
  });

  function toPush(datos: MovementEventData): MovementPush {
    const { movimiento, articulo } = datos;
    return {
      tipo: movimiento.tipo,
      // The ERP knows its own articles by its reference; one created in GSIH only by its code.
      articulo: articulo.referencia_externa ?? articulo.codigo,
      cantidad: movimiento.cantidad,
      fecha: movimiento.fecha,
      almacen: movimiento.almacen,
    };
  }

  /** Approved local movements after the cursor become PENDIENTE rows; returns how many. */
  const queueApproved = writeTransaction(db, (runId: number, now: Date): number => {
    let cursor =
      (stmt.watermark.get('movimientos') as Watermark | undefined)?.secuencia ??
      // Configured before the cursor existed: start from the outbox as it is now.
      (stmt.maxSeq.get() as number);
    let queued = 0;
    for (;;) {
      const events = stmt.approvedAfter.all(cursor, QUEUE_BATCH) as ApprovedEvent[];
      for (const event of events) {
        const datos = JSON.parse(event.datos) as MovementEventData;
        // What came from the ERP goes back to it no more: it is the ERP's own stock.
        if (datos.movimiento.origen === 'erp') continue;
        queued += stmt.queue.run(
          event.id,
          String(datos.movimiento.id),
          JSON.stringify({ enviar: toPush(datos) }),
          runId,
          now.toISOString(),
        ).changes;
      }
      if (events.length > 0) cursor = events.at(-1)!.seq;
      if (events.length < QUEUE_BATCH) break;
    }
    stmt.setCursor.run(cursor, runId, now.toISOString());
    return queued;
  });

  return {
    watermark(entidad: 'articulos' | 'stock' | 'movimientos'): Watermark | null {
      return (stmt.watermark.get(entidad) as Watermark | undefined) ?? null;
    },

    setWatermark(
      entidad: 'articulos' | 'stock',
      fecha: string,
      referencia: string,
      runId: number,
      now: Date,
    ) {
      writeAlone(() => stmt.setWatermark.run(entidad, fecha, referencia, runId, now.toISOString()));
    },

    queueApproved,

    /** What a dry run reports: rows waiting and approved movements not queued yet. */
    countUnsent(): number {
      const cursor =
        (stmt.watermark.get('movimientos') as Watermark | undefined)?.secuencia ??
        (stmt.maxSeq.get() as number);
      let unqueued = 0;
      for (let after = cursor; ;) {
        const events = stmt.approvedAfter.all(after, QUEUE_BATCH) as ApprovedEvent[];
        for (const event of events) {
          if ((JSON.parse(event.datos) as MovementEventData).movimiento.origen !== 'erp')
            unqueued++;
        }
        if (events.length < QUEUE_BATCH) break;
        after = events.at(-1)!.seq;
      }
      const waiting = db
        .prepare(
          `SELECT count(*) FROM erp_sync_records WHERE tipo = 'movimiento' AND estado = 'PENDIENTE'`,
        )
        .pluck()
        .get() as number;
      return unqueued + waiting;
    },

    pending(limit: number): QueuedMovement[] {
      return (
        stmt.pending.all(limit) as Array<{
          id: number;
          referencia_externa: string;
          referencia_interna: string | null;
          datos: string;
        }>
      ).map((row) => ({
        id: row.id,
        referencia_externa: row.referencia_externa,
        referencia_interna: row.referencia_interna,
        body: (JSON.parse(row.datos) as { enviar: MovementPush }).enviar,
      }));
    },

    /** A push's outcome; PENDIENTE (with its error) is pushed again by the next run. */
    recordPush(
      id: number,
      outcome: {
        estado: ErpRecordState;
        enviado: MovementPush;
        respuesta?: unknown;
        error: string | null;
      },
      runId: number,
      now: Date,
    ): void {
      writeAlone(() =>
        stmt.pushed.run({
          id,
          estado: outcome.estado,
          datos: JSON.stringify({
            enviar: outcome.enviado,
            ...(outcome.respuesta === undefined ? {} : { respuesta: outcome.respuesta }),
          }),
          error: outcome.error,
          ejecucion: runId,
          fecha: now.toISOString(),
        }),
      );
    },

    /** ERROR rows to retry: the given ones that are in ERROR, or all (up to a bound). */
    errorRows(ids: number[] | undefined): { pulled: number[]; movements: number[] } {
      const chosen = ids ?? (stmt.errorIds.all(10_000) as number[]);
      const pulled: number[] = [];
      const movements: number[] = [];
      for (const id of chosen) {
        const tipo = stmt.kindOf.get(id) as ErpRecordKind | undefined;
        if (tipo === 'movimiento') movements.push(id);
        else if (tipo) pulled.push(id);
      }
      return { pulled, movements };
    },

    /** Movements in ERROR (refused by the ERP) go back to the queue. */
    requeue: writeTransaction(db, (ids: number[]): number =>
      ids.reduce((n, id) => n + stmt.requeue.run(id).changes, 0),
    ),

    counts(): Record<ErpRecordState, number> {
      const counts = { PENDIENTE: 0, SINCRONIZADO: 0, ERROR: 0 };
      for (const row of stmt.counts.all() as Array<{ estado: ErpRecordState; n: number }>)
        counts[row.estado] = row.n;
      return counts;
    },

    list(filter: {
      tipo?: ErpRecordKind | undefined;
      estado?: ErpRecordState | undefined;
      texto?: string | undefined;
      ejecucion?: number | undefined;
      page: number;
      page_size: number;
    }): Page<ErpLedgerEntry> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.tipo) {
        where.push('tipo = @tipo');
        params.tipo = filter.tipo;
      }
      if (filter.estado) {
        where.push('estado = @estado');
        params.estado = filter.estado;
      }
      if (filter.ejecucion !== undefined) {
        where.push('ejecucion = @ejecucion');
        params.ejecucion = filter.ejecucion;
      }
      if (filter.texto) {
        where.push(
          `(referencia_externa LIKE @texto ESCAPE '\\' OR referencia_interna LIKE @texto ESCAPE '\\')`,
        );
        params.texto = containsPattern(filter.texto);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = db
        .prepare(`SELECT count(*) FROM erp_sync_records ${clause}`)
        .pluck()
        .get(params) as number;
      const rows = db
        .prepare(
          `SELECT id, tipo, referencia_externa, referencia_interna, estado, datos, error, intentos,
            modificado_erp, ejecucion, fecha FROM erp_sync_records ${clause}
            ORDER BY id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          ...params,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as LedgerRow[];
      return { items: rows.map(toEntry), total, page: filter.page, page_size: filter.page_size };
    },
  };
}

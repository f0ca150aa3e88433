import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import { AppError } from '../../shared/errors';
import type { Page } from '../../shared/domain';
import type {
  ErpEntityCounts,
  ErpEntityResult,
  ErpRun,
  ErpRunKind,
  ErpRunOrigin,
  ErpRunState,
  ErpRunStats,
  ErpSyncKind,
} from '../../shared/erp';

// The runs table: a row is written EN_CURSO when a run starts (so a run cut short by a crash is
// still there to be closed as FALLIDA) and completed when it ends.

/** Counts before anything was read. */
export function emptyCounts(): ErpEntityCounts {
  return { leidos: 0, creados: 0, actualizados: 0, sin_cambios: 0, fallidos: 0, enviados: 0 };
}

/** A run's counts: the sum of its entities'. */
export function runTotals(detalle: ErpRun['detalle']): ErpEntityCounts {
  const totals = emptyCounts();
  for (const entity of Object.values(detalle)) {
    for (const key of Object.keys(totals) as Array<keyof ErpEntityCounts>)
      totals[key] += entity[key];
  }
  return totals;
}

interface RunRow extends ErpEntityCounts {
  id: number;
  tipo: ErpRunKind;
  origen: ErpRunOrigin;
  usuario: string;
  estado: ErpRunState;
  error: string | null;
  detalle: string;
  fecha_inicio: string;
  fecha_fin: string | null;
  duracion_ms: number | null;
}

export interface FinishedRun {
  estado: Exclude<ErpRunState, 'EN_CURSO'>;
  error: string | null;
  detalle: Partial<Record<ErpSyncKind, ErpEntityResult>>;
  fecha_fin: string;
  duracion_ms: number;
}

const toRun = (row: RunRow): ErpRun => ({
  ...row,
  simulacion: false,
  detalle: JSON.parse(row.detalle) as ErpRun['detalle'],
});

export const INTERRUPTED =
  'Interrumpida: el proceso que la ejecutaba terminó antes de acabar. Lo que ya había aplicado se conserva; la siguiente sincronización sigue desde la marca anterior.';

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore(db: Db) {
  const stmt = {
    insert: db.prepare(`INSERT INTO erp_sync_runs (tipo, origen, usuario, estado, fecha_inicio)
      VALUES (?, ?, ?, 'EN_CURSO', ?)`),
    finish: db.prepare(`UPDATE erp_sync_runs SET estado = @estado, leidos = @leidos,
      creados = @creados, actualizados = @actualizados, sin_cambios = @sin_cambios,
      fallidos = @fallidos, enviados = @enviados, error = @error, detalle = @detalle,
      fecha_fin = @fecha_fin, duracion_ms = @duracion_ms WHERE id = @id`),
    interrupt: db.prepare(`UPDATE erp_sync_runs SET estado = 'FALLIDA', error = ?, fecha_fin = ?
      WHERE estado = 'EN_CURSO'`),
    byId: db.prepare('SELECT * FROM erp_sync_runs WHERE id = ?'),
    // What the schedule counts from: the last full run, whatever its outcome (a failing ERP is
    // not asked again sooner than the schedule says).
    lastFull: db
      .prepare(
        `SELECT fecha_inicio FROM erp_sync_runs WHERE tipo = 'completa'
        ORDER BY fecha_inicio DESC, id DESC LIMIT 1`,
      )
      .pluck(),
    lastEnded: db.prepare(`SELECT * FROM erp_sync_runs WHERE estado != 'EN_CURSO'
      ORDER BY id DESC LIMIT 1`),
  };

  // A write of its own still goes through writeTransaction, as every write in the app does.
  const finishTx = writeTransaction(db, (values: Record<string, unknown>) => {
    stmt.finish.run(values);
  });

  function get(id: number): ErpRun {
    const row = stmt.byId.get(id) as RunRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No existe la sincronización ${id}`);
    return toRun(row);
  }

  return {
    get,

    /**
     * Starts a run's row. Any other row still EN_CURSO belongs to a process that died (the caller
     * holds the lock): it is closed as FALLIDA first.
     */
    begin: writeTransaction(
      db,
      (tipo: ErpRunKind, origen: ErpRunOrigin, usuario: string, now: Date): number => {
        stmt.interrupt.run(INTERRUPTED, now.toISOString());
        return Number(stmt.insert.run(tipo, origen, usuario, now.toISOString()).lastInsertRowid);
      },
    ),

    finish(id: number, run: FinishedRun): ErpRun {
      const totals = runTotals(run.detalle);
      finishTx({
        id,
        estado: run.estado,
        ...totals,
        error: run.error,
        detalle: JSON.stringify(run.detalle),
        fecha_fin: run.fecha_fin,
        duracion_ms: run.duracion_ms,
      });
      return get(id);
    },

    /** A run left EN_CURSO by a process that died: FALLIDA, said why. */
    lastEnded(): ErpRun | null {
      const row = stmt.lastEnded.get() as RunRow | undefined;
      return row ? toRun(row) : null;
    },

    /**
     * Runs that ended, by outcome, started within the range (ISO; either end open): what the
     * monitoring report counts. Dry runs are not stored, so never counted.
     */
    stats(range: { desde?: string | undefined; hasta?: string | undefined } = {}): ErpRunStats {
      const row = db
        .prepare(
          `SELECT count(*) AS total,
            coalesce(sum(estado = 'COMPLETADA'), 0) AS completadas,
            coalesce(sum(estado = 'FALLIDA'), 0) AS fallidas,
            coalesce(sum(estado = 'CANCELADA'), 0) AS canceladas,
            max(fecha_inicio) AS ultima_fecha
          FROM erp_sync_runs WHERE estado != 'EN_CURSO'
            AND (@desde IS NULL OR fecha_inicio >= @desde)
            AND (@hasta IS NULL OR fecha_inicio <= @hasta)`,
        )
        .get({
          desde: range.desde ? new Date(range.desde).toISOString() : null,
          hasta: range.hasta ? new Date(range.hasta).toISOString() : null,
        }) as Omit<ErpRunStats, 'tasa_exito'>;
      return { ...row, tasa_exito: row.total === 0 ? null : row.completadas / row.total };
    },

    lastFullStart(): string | null {
      return (stmt.lastFull.get() as string | undefined) ?? null;
    },

    list(filter: {
      estado?: ErpRunState | undefined;
      page: number;
      page_size: number;
    }): Page<ErpRun> {
      const where = filter.estado ? 'WHERE estado = @estado' : '';
      const total = db
        .prepare(`SELECT count(*) FROM erp_sync_runs ${where}`)
        .pluck()
        .get({ estado: filter.estado }) as number;
      const rows = db
        .prepare(
          `SELECT * FROM erp_sync_runs ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          estado: filter.estado,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as RunRow[];
      return { items: rows.map(toRun), total, page: filter.page, page_size: filter.page_size };
    },
  };
}

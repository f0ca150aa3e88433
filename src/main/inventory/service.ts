import type { z } from 'zod';
import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import { containsPattern } from '../db/like';
import { createStatementCache, type StatementCache } from '../db/statement-cache';
import type { Clock } from '../clock';
import type { Outbox } from '../events/outbox';
import { AppError } from '../../shared/errors';
import type { createArticleInput } from '../../shared/contract';
import {
  DEFAULT_WAREHOUSE,
  type AlertState,
  type Article,
  type ArticleSummary,
  type Movement,
  type MovementOrigin,
  type MovementState,
  type MovementType,
  type Page,
  type StockAlert,
  type StockLevel,
} from '../../shared/domain';

export type NewArticle = z.output<typeof createArticleInput>;
export type ArticlePatch = Partial<NewArticle>;

export interface NewMovement {
  tipo: MovementType;
  articulo: number;
  cantidad: number;
  almacen?: string | undefined;
  referencia?: string | null | undefined;
  fecha?: string | undefined;
  origen: MovementOrigin;
}

export interface InventoryChange {
  entidades: Array<'articulos' | 'movimientos' | 'alertas' | 'stock'>;
}

export interface InventoryServiceDeps {
  db: Db;
  clock: Clock;
  outbox: Outbox;
  /** Called after a change has been committed. */
  onChange?: (change: InventoryChange) => void;
}

interface Paging {
  page: number;
  page_size: number;
}

// Quantities are REAL; rounding to 6 decimals keeps 0.1 + 0.2 from becoming a 4e-17 shortfall.
const round = (n: number) => Math.round(n * 1e6) / 1e6;

const ARTICLE_COLUMNS = `a.id, a.codigo, a.nombre, a.material, a.diametro, a.unidad, a.stock_minimo,
  a.referencia_externa, a.fecha_creacion, a.fecha_actualizacion`;

const SUMMARY_SELECT = `SELECT ${ARTICLE_COLUMNS},
  coalesce((SELECT sum(s.cantidad) FROM stock_levels s WHERE s.articulo_id = a.id), 0) AS stock_total,
  (SELECT count(*) FROM stock_alerts al WHERE al.articulo_id = a.id AND al.estado = 'ABIERTA') AS alertas_abiertas
  FROM articles a`;

const MOVEMENT_SELECT = `SELECT m.id, m.tipo, m.articulo_id AS articulo, a.codigo, a.nombre, m.cantidad,
  m.almacen, m.referencia, m.fecha, m.estado, m.origen, m.creado_por, m.aprobado_por,
  m.fecha_aprobacion, m.motivo_rechazo, m.stock_anterior, m.stock_resultante
  FROM movements m JOIN articles a ON a.id = m.articulo_id`;

const ALERT_SELECT = `SELECT al.id, al.articulo_id AS articulo, a.codigo, a.nombre, al.almacen,
  al.cantidad_actual, al.umbral_minimo, al.estado, al.fecha_creacion, al.fecha_resolucion
  FROM stock_alerts al JOIN articles a ON a.id = al.articulo_id`;

const STOCK_SELECT = `SELECT s.articulo_id AS articulo, a.codigo, a.nombre, s.almacen, s.cantidad,
  a.stock_minimo, s.cantidad < a.stock_minimo AS bajo_minimo, s.fecha_actualizacion
  FROM stock_levels s JOIN articles a ON a.id = s.articulo_id`;

function paged<T>(
  prepare: StatementCache,
  select: string,
  where: string[],
  order: string,
  params: Record<string, unknown>,
  paging: Paging,
  map: (row: never) => T = (r) => r,
): Page<T> {
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (
    prepare(`SELECT count(*) AS n FROM (${select} ${clause})`).get(params) as { n: number }
  ).n;
  const rows = prepare(`${select} ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
    ...params,
    limit: paging.page_size,
    offset: (paging.page - 1) * paging.page_size,
  }) as never[];
  return { items: rows.map(map), total, page: paging.page, page_size: paging.page_size };
}

const toStock = (row: StockLevel & { bajo_minimo: number | boolean }): StockLevel => ({
  ...row,
  bajo_minimo: Boolean(row.bajo_minimo),
});

export type InventoryService = ReturnType<typeof createInventoryService>;

export function createInventoryService({ db, clock, outbox, onChange }: InventoryServiceDeps) {
  const prepare = createStatementCache(db);
  const stmt = {
    articleById: db.prepare(`${SUMMARY_SELECT} WHERE a.id = ?`),
    plainArticleById: db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?`),
    articleByCode: db.prepare('SELECT id FROM articles WHERE codigo = ?'),
    articleByRef: db.prepare('SELECT id, codigo FROM articles WHERE referencia_externa = ?'),
    insertArticle: db.prepare(`INSERT INTO articles (codigo, nombre, material, diametro, unidad,
      stock_minimo, referencia_externa, fecha_creacion, fecha_actualizacion)
      VALUES (@codigo, @nombre, @material, @diametro, @unidad, @stock_minimo, @referencia_externa, @now, @now)`),
    movementById: db.prepare(`${MOVEMENT_SELECT} WHERE m.id = ?`),
    insertMovement:
      db.prepare(`INSERT INTO movements (tipo, articulo_id, cantidad, almacen, referencia,
      fecha, estado, origen, creado_por, fecha_creacion)
      VALUES (@tipo, @articulo, @cantidad, @almacen, @referencia, @fecha, 'PENDIENTE', @origen, @actor, @now)`),
    stockOf: db.prepare('SELECT cantidad FROM stock_levels WHERE articulo_id = ? AND almacen = ?'),
    stockRowsOf: db.prepare('SELECT almacen, cantidad FROM stock_levels WHERE articulo_id = ?'),
    upsertStock:
      db.prepare(`INSERT INTO stock_levels (articulo_id, almacen, cantidad, fecha_actualizacion)
      VALUES (?, ?, ?, ?) ON CONFLICT (articulo_id, almacen)
      DO UPDATE SET cantidad = excluded.cantidad, fecha_actualizacion = excluded.fecha_actualizacion`),
    approve:
      db.prepare(`UPDATE movements SET estado = 'APROBADO', aprobado_por = ?, fecha_aprobacion = ?,
      stock_anterior = ?, stock_resultante = ? WHERE id = ? AND estado = 'PENDIENTE'`),
    reject:
      db.prepare(`UPDATE movements SET estado = 'RECHAZADO', aprobado_por = ?, fecha_aprobacion = ?,
      motivo_rechazo = ? WHERE id = ? AND estado = 'PENDIENTE'`),
    openAlert: db.prepare(
      `SELECT id FROM stock_alerts WHERE articulo_id = ? AND almacen = ? AND estado = 'ABIERTA'`,
    ),
    insertAlert:
      db.prepare(`INSERT INTO stock_alerts (articulo_id, almacen, cantidad_actual, umbral_minimo,
      estado, fecha_creacion) VALUES (?, ?, ?, ?, 'ABIERTA', ?)`),
    refreshAlert: db.prepare(
      'UPDATE stock_alerts SET cantidad_actual = ?, umbral_minimo = ? WHERE id = ?',
    ),
    resolveAlert: db.prepare(`UPDATE stock_alerts SET estado = 'RESUELTA', cantidad_actual = ?,
      fecha_resolucion = ? WHERE id = ?`),
    alertById: db.prepare(`${ALERT_SELECT} WHERE al.id = ?`),
  };

  const changed = (...entidades: InventoryChange['entidades']) => onChange?.({ entidades });

  function requireArticle(id: number): Article {
    const article = stmt.plainArticleById.get(id) as Article | undefined;
    if (!article) throw new AppError('NOT_FOUND', `No existe el artículo ${id}`);
    return article;
  }

  function requireMovement(id: number): Movement {
    const movement = stmt.movementById.get(id) as Movement | undefined;
    if (!movement) throw new AppError('NOT_FOUND', `No existe el movimiento ${id}`);
    return movement;
  }

  function assertUnique(
    codigo: string | undefined,
    referencia: string | null | undefined,
    exceptId?: number,
  ) {
    if (codigo !== undefined) {
      const row = stmt.articleByCode.get(codigo) as { id: number } | undefined;
      if (row && row.id !== exceptId) {
        throw new AppError('CONFLICT', `Ya existe un artículo con el código ${codigo}`, {
          codigo: 'Código duplicado',
        });
      }
    }
    if (referencia) {
      const row = stmt.articleByRef.get(referencia) as { id: number; codigo: string } | undefined;
      if (row && row.id !== exceptId) {
        throw new AppError(
          'CONFLICT',
          `La referencia externa ${referencia} ya es del artículo ${row.codigo}`,
          {
            referencia_externa: 'Referencia externa duplicada',
          },
        );
      }
    }
  }

  /**
   * Opens, refreshes or resolves the alert of one article in one almacén after its stock or its
   * minimum changed. Runs inside the caller's transaction, so the alert and its events commit or
   * roll back with the change.
   */
  function evaluateAlert(article: Article, almacen: string, cantidad: number, now: Date): void {
    const open = stmt.openAlert.get(article.id, almacen) as { id: number } | undefined;
    const below = cantidad < article.stock_minimo;
    const fecha = now.toISOString();
    if (below && !open) {
      const { lastInsertRowid } = stmt.insertAlert.run(
        article.id,
        almacen,
        cantidad,
        article.stock_minimo,
        fecha,
      );
      const alert = stmt.alertById.get(lastInsertRowid) as StockAlert;
      const base = { id: article.id, codigo: article.codigo, nombre: article.nombre };
      outbox.append(
        'stock_bajo',
        {
          articulo: base,
          cantidad_actual: cantidad,
          umbral_minimo: article.stock_minimo,
          almacen,
        },
        now,
      );
      outbox.append('alerta_generada', { alerta: alert, articulo: base }, now);
    } else if (below && open) {
      stmt.refreshAlert.run(cantidad, article.stock_minimo, open.id);
    } else if (!below && open) {
      stmt.resolveAlert.run(cantidad, fecha, open.id);
    }
  }

  /** A new minimum can put existing stock below it, or lift it above: alerts follow. */
  function reevaluateAlerts(article: Article, now: Date): void {
    for (const row of stmt.stockRowsOf.all(article.id) as Array<{
      almacen: string;
      cantidad: number;
    }>) {
      evaluateAlert(article, row.almacen, row.cantidad, now);
    }
  }

  const createArticleTx = writeTransaction(db, (input: NewArticle): Article => {
    assertUnique(input.codigo, input.referencia_externa);
    const now = clock.now().toISOString();
    const { lastInsertRowid } = stmt.insertArticle.run({ ...input, now });
    return requireArticle(Number(lastInsertRowid));
  });

  const updateArticleTx = writeTransaction(db, (id: number, patch: ArticlePatch): Article => {
    const current = requireArticle(id);
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<
      [keyof NewArticle, unknown]
    >;
    if (fields.length === 0) return current;
    assertUnique(patch.codigo, patch.referencia_externa, id);
    const now = clock.now();
    const sets = fields.map(([k]) => `${k} = @${k}`).join(', ');
    prepare(`UPDATE articles SET ${sets}, fecha_actualizacion = @now WHERE id = @id`).run({
      ...Object.fromEntries(fields),
      now: now.toISOString(),
      id,
    });
    const updated = requireArticle(id);
    if (updated.stock_minimo !== current.stock_minimo) reevaluateAlerts(updated, now);
    return updated;
  });

  // The bodies of createMovement and approveMovement, without their transactions: the CSV
  // import runs them for many rows inside its own.
  function insertMovement(input: NewMovement, actor: string, now: Date): Movement {
    const article = stmt.plainArticleById.get(input.articulo) as Article | undefined;
    if (!article) {
      throw new AppError('VALIDATION', `No existe el artículo ${input.articulo}`, {
        articulo: 'Artículo inexistente',
      });
    }
    const { lastInsertRowid } = stmt.insertMovement.run({
      tipo: input.tipo,
      articulo: input.articulo,
      cantidad: round(input.cantidad),
      almacen: input.almacen ?? DEFAULT_WAREHOUSE,
      referencia: input.referencia ?? null,
      fecha: input.fecha ? new Date(input.fecha).toISOString() : now.toISOString(),
      origen: input.origen,
      actor,
      now: now.toISOString(),
    });
    const movement = requireMovement(Number(lastInsertRowid));
    outbox.append('movimiento_creado', { movimiento: movement, articulo: article }, now);
    return movement;
  }

  function approve(id: number, actor: string, now: Date): Movement {
    const movement = requireMovement(id);
    if (movement.estado !== 'PENDIENTE') {
      throw new AppError(
        'CONFLICT',
        `El movimiento ${id} ya está ${movement.estado.toLowerCase()}`,
      );
    }
    const article = requireArticle(movement.articulo);
    const before =
      (stmt.stockOf.get(article.id, movement.almacen) as { cantidad: number } | undefined)
        ?.cantidad ?? 0;
    const after = round(
      movement.tipo === 'ENTRADA'
        ? before + movement.cantidad
        : movement.tipo === 'SALIDA'
          ? before - movement.cantidad
          : movement.cantidad,
    );
    if (after < 0) {
      throw new AppError(
        'INSUFFICIENT_STOCK',
        `Stock insuficiente: en ${movement.almacen} hay ${before} de ${article.codigo} ` +
          `y la salida pide ${movement.cantidad}. El movimiento sigue pendiente.`,
      );
    }
    stmt.upsertStock.run(article.id, movement.almacen, after, now.toISOString());
    stmt.approve.run(actor, now.toISOString(), before, after, id);
    const approved = requireMovement(id);
    outbox.append('movimiento_aprobado', { movimiento: approved, articulo: article }, now);
    evaluateAlert(article, movement.almacen, after, now);
    return approved;
  }

  const createMovementTx = writeTransaction(db, (input: NewMovement, actor: string): Movement =>
    insertMovement(input, actor, clock.now()),
  );

  const approveMovementTx = writeTransaction(db, (id: number, actor: string): Movement =>
    approve(id, actor, clock.now()),
  );

  const rejectMovementTx = writeTransaction(
    db,
    (id: number, motivo: string | null, actor: string): Movement => {
      const movement = requireMovement(id);
      if (movement.estado !== 'PENDIENTE') {
        throw new AppError(
          'CONFLICT',
          `El movimiento ${id} ya está ${movement.estado.toLowerCase()}`,
        );
      }
      stmt.reject.run(actor, clock.now().toISOString(), motivo, id);
      return requireMovement(id);
    },
  );

  return {
    listArticles(
      filter: {
        texto?: string | undefined;
        solo_bajo_minimo?: boolean | undefined;
        material?: string | undefined;
        actualizado_desde?: string | undefined;
        /** codigo for people; id for integrators paging through a stable order. */
        orden?: 'codigo' | 'id' | undefined;
      } & Paging,
    ): Page<ArticleSummary> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.texto) {
        where.push(
          `(a.codigo LIKE @texto ESCAPE '\\' OR a.nombre LIKE @texto ESCAPE '\\' OR a.material LIKE @texto ESCAPE '\\')`,
        );
        params.texto = containsPattern(filter.texto);
      }
      if (filter.solo_bajo_minimo) {
        where.push(
          `EXISTS (SELECT 1 FROM stock_alerts al WHERE al.articulo_id = a.id AND al.estado = 'ABIERTA')`,
        );
      }
      if (filter.material) {
        where.push('a.material = @material COLLATE NOCASE');
        params.material = filter.material;
      }
      if (filter.actualizado_desde) {
        where.push('a.fecha_actualizacion >= @actualizado_desde');
        params.actualizado_desde = new Date(filter.actualizado_desde).toISOString();
      }
      const order = filter.orden === 'id' ? 'id' : 'codigo COLLATE NOCASE, id';
      return paged(prepare, SUMMARY_SELECT, where, order, params, filter);
    },

    getArticle(id: number): ArticleSummary {
      const article = stmt.articleById.get(id) as ArticleSummary | undefined;
      if (!article) throw new AppError('NOT_FOUND', `No existe el artículo ${id}`);
      return article;
    },

    createArticle(input: NewArticle): Article {
      const article = createArticleTx(input);
      changed('articulos');
      return article;
    },

    updateArticle(id: number, patch: ArticlePatch): Article {
      const article = updateArticleTx(id, patch);
      changed('articulos', 'alertas');
      return article;
    },

    listStock(
      filter: {
        articulo?: number | undefined;
        almacen?: string | undefined;
        bajo_minimo?: boolean | undefined;
      } & Paging,
    ): Page<StockLevel> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.articulo !== undefined) {
        where.push('s.articulo_id = @articulo');
        params.articulo = filter.articulo;
      }
      if (filter.almacen) {
        where.push('s.almacen = @almacen');
        params.almacen = filter.almacen;
      }
      if (filter.bajo_minimo !== undefined) {
        where.push(
          filter.bajo_minimo ? 's.cantidad < a.stock_minimo' : 's.cantidad >= a.stock_minimo',
        );
      }
      return paged(prepare, STOCK_SELECT, where, 'codigo, almacen', params, filter, toStock);
    },

    listMovements(
      filter: {
        estado?: MovementState | undefined;
        tipo?: MovementType | undefined;
        articulo?: number | undefined;
        desde?: string | undefined;
        hasta?: string | undefined;
      } & Paging,
    ): Page<Movement> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.estado) {
        where.push('m.estado = @estado');
        params.estado = filter.estado;
      }
      if (filter.tipo) {
        where.push('m.tipo = @tipo');
        params.tipo = filter.tipo;
      }
      if (filter.articulo !== undefined) {
        where.push('m.articulo_id = @articulo');
        params.articulo = filter.articulo;
      }
      if (filter.desde) {
        where.push('m.fecha >= @desde');
        params.desde = new Date(filter.desde).toISOString();
      }
      if (filter.hasta) {
        where.push('m.fecha <= @hasta');
        params.hasta = new Date(filter.hasta).toISOString();
      }
      return paged(prepare, MOVEMENT_SELECT, where, 'm.id DESC', params, filter);
    },

    createMovement(input: NewMovement, actor: string): Movement {
      const movement = createMovementTx(input, actor);
      changed('movimientos');
      return movement;
    },

    approveMovement(id: number, actor: string): Movement {
      const movement = approveMovementTx(id, actor);
      changed('movimientos', 'stock', 'alertas');
      return movement;
    },

    rejectMovement(id: number, motivo: string | null, actor: string): Movement {
      const movement = rejectMovementTx(id, motivo, actor);
      changed('movimientos');
      return movement;
    },

    listAlerts(
      filter: { estado?: AlertState | undefined; articulo?: number | undefined } & Paging,
    ): Page<StockAlert> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.estado) {
        where.push('al.estado = @estado');
        params.estado = filter.estado;
      }
      if (filter.articulo !== undefined) {
        where.push('al.articulo_id = @articulo');
        params.articulo = filter.articulo;
      }
      return paged(prepare, ALERT_SELECT, where, 'al.id DESC', params, filter);
    },

    /** The stock summary of GET /api/external/reportes/. */
    report(range: { desde?: string | undefined; hasta?: string | undefined }) {
      const desde = range.desde ? new Date(range.desde).toISOString() : null;
      const hasta = range.hasta ? new Date(range.hasta).toISOString() : null;
      const totals = prepare(
        `SELECT (SELECT count(*) FROM articles) AS articulos,
          (SELECT coalesce(sum(cantidad), 0) FROM stock_levels) AS unidades`,
      ).get() as { articulos: number; unidades: number };
      const below = prepare(
        `${STOCK_SELECT} WHERE s.cantidad < a.stock_minimo ORDER BY a.codigo, s.almacen`,
      ).all() as StockLevel[];
      const perType = prepare(
        `SELECT tipo, count(*) AS n FROM movements WHERE estado = 'APROBADO'
          AND (@desde IS NULL OR fecha >= @desde) AND (@hasta IS NULL OR fecha <= @hasta) GROUP BY tipo`,
      ).all({ desde, hasta }) as Array<{ tipo: MovementType; n: number }>;
      const movimientos_por_tipo = { ENTRADA: 0, SALIDA: 0, AJUSTE: 0 };
      for (const row of perType) movimientos_por_tipo[row.tipo] = row.n;
      return {
        desde,
        hasta,
        articulos: totals.articulos,
        unidades: round(totals.unidades),
        bajo_minimo: below.map((s) => ({
          articulo: s.articulo,
          codigo: s.codigo,
          nombre: s.nombre,
          almacen: s.almacen,
          cantidad: s.cantidad,
          stock_minimo: s.stock_minimo,
          faltante: round(s.stock_minimo - s.cantidad),
        })),
        movimientos_por_tipo,
      };
    },

    /**
     * For a bulk change that runs its own write transaction (the CSV import, in its worker):
     * the same rules as the methods above, which must be called inside that transaction. The
     * caller announces the change once it has committed.
     */
    inTransaction: {
      /** A movement created and approved at once: stock, alerts and their events move with it. */
      createApprovedMovement(input: NewMovement, actor: string, now: Date): Movement {
        if (!db.inTransaction) throw new Error('createApprovedMovement outside a transaction');
        return approve(insertMovement(input, actor, now).id, actor, now);
      },
      /** After an article's minimum changed in bulk: its alerts follow the new minimum. */
      reevaluateAlerts(articleId: number, now: Date): void {
        if (!db.inTransaction) throw new Error('reevaluateAlerts outside a transaction');
        reevaluateAlerts(requireArticle(articleId), now);
      },
    },

    counts() {
      const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return {
        articulos: one('SELECT count(*) AS n FROM articles'),
        movimientos_pendientes: one(
          `SELECT count(*) AS n FROM movements WHERE estado = 'PENDIENTE'`,
        ),
        alertas_abiertas: one(`SELECT count(*) AS n FROM stock_alerts WHERE estado = 'ABIERTA'`),
        eventos: one('SELECT count(*) AS n FROM events'),
      };
    },
  };
}

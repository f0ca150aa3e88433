import type { Db } from '../db/open';
import type { Clock } from '../clock';
import { newEventId } from '../events/outbox';
import { AppError } from '../../shared/errors';
import {
  DELIVERY_STATES,
  type DeliveryState,
  type EventType,
  type Page,
  type Webhook,
  type WebhookAttempt,
  type WebhookDelivery,
} from '../../shared/domain';
import { generateWebhookSecret } from './signing';

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

interface WebhookRow {
  id: number;
  nombre: string;
  url: string;
  eventos: string;
  secreto: string;
  secreto_anterior: string | null;
  secreto_anterior_hasta: string | null;
  activo: number;
  motivo_desactivacion: string | null;
  desactivado_por: 'sistema' | 'personal' | null;
  fallos_consecutivos: number;
  fallando_desde: string | null;
  fecha_creacion: string;
  fecha_actualizacion: string;
}

const DELIVERY_COLUMNS = `id, webhook_id AS webhook, evento_id, evento, estado, intentos,
  CASE WHEN estado IN ('PENDIENTE', 'EN_CURSO') THEN proximo_intento END AS proximo_intento,
  ultimo_status, ultimo_error, fecha_creacion, fecha_entrega`;

export type WebhookService = ReturnType<typeof createWebhookService>;

export function createWebhookService({
  db,
  clock,
  onChange,
}: {
  db: Db;
  clock: Clock;
  onChange?: (id: number) => void;
}) {
  const stmt = {
    byId: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
    // Per endpoint (a JSON array of ids): all its deliveries, and those in each state that has
    // its own partial index (migration 0009); the rest were delivered. Grouping by estado would
    // read every row of a long history.
    counts: db.prepare(`SELECT w.id AS webhook_id,
      (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id) AS total,
      (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.estado = 'PENDIENTE') AS PENDIENTE,
      (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.estado = 'EN_CURSO') AS EN_CURSO,
      (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.estado = 'FALLIDO') AS FALLIDO
      FROM webhooks w WHERE w.id IN (SELECT value FROM json_each(?))`),
    insert:
      db.prepare(`INSERT INTO webhooks (nombre, url, eventos, secreto, fecha_creacion, fecha_actualizacion)
      VALUES (@nombre, @url, @eventos, @secreto, @now, @now)`),
    deliveryById: db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?`),
    insertDelivery:
      db.prepare(`INSERT INTO webhook_deliveries (webhook_id, evento_id, evento, cuerpo, estado,
      proximo_intento, fecha_creacion) VALUES (?, ?, ?, ?, 'PENDIENTE', ?, ?)`),
    // Fan-out of one outbox event to every active endpoint that wants it.
    enqueue:
      db.prepare(`INSERT INTO webhook_deliveries (webhook_id, evento_id, evento, cuerpo, estado,
      proximo_intento, fecha_creacion)
      SELECT w.id, @evento_id, @evento, @cuerpo, 'PENDIENTE', @now, @now FROM webhooks w
      WHERE w.activo = 1 AND EXISTS (SELECT 1 FROM json_each(w.eventos) e WHERE e.value = @evento)`),
    resend:
      db.prepare(`UPDATE webhook_deliveries SET estado = 'PENDIENTE', intentos = 0, proximo_intento = ?,
      lease_hasta = NULL, lease_owner = NULL WHERE id = ? AND estado IN ('ENTREGADO', 'FALLIDO')`),
  };

  type Counts = Record<Exclude<DeliveryState, 'ENTREGADO'>, number> & {
    webhook_id: number;
    total: number;
  };
  const countsOf = (ids: number[]): Map<number, Record<DeliveryState, number>> =>
    new Map(
      (stmt.counts.all(JSON.stringify(ids)) as Counts[]).map((c) => [
        c.webhook_id,
        {
          PENDIENTE: c.PENDIENTE,
          EN_CURSO: c.EN_CURSO,
          ENTREGADO: c.total - c.PENDIENTE - c.EN_CURSO - c.FALLIDO,
          FALLIDO: c.FALLIDO,
        },
      ]),
    );
  /** `entregas`: the endpoint's deliveries by state, when the caller already read them. */
  const toWebhook = (row: WebhookRow, entregas = countsOf([row.id]).get(row.id)!): Webhook => {
    const rotating =
      row.secreto_anterior_hasta !== null && row.secreto_anterior_hasta > clock.now().toISOString();
    return {
      id: row.id,
      nombre: row.nombre,
      url: row.url,
      eventos: JSON.parse(row.eventos) as EventType[],
      activo: row.activo === 1,
      motivo_desactivacion: row.motivo_desactivacion,
      desactivado_por: row.activo === 1 ? null : row.desactivado_por,
      fallos_consecutivos: row.fallos_consecutivos,
      fallando_desde: row.fallando_desde,
      rotacion_hasta: rotating ? row.secreto_anterior_hasta : null,
      fecha_creacion: row.fecha_creacion,
      fecha_actualizacion: row.fecha_actualizacion,
      entregas,
    };
  };

  const requireRow = (id: number): WebhookRow => {
    const row = stmt.byId.get(id) as WebhookRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No existe el webhook ${id}`);
    return row;
  };

  const requireDelivery = (id: number): WebhookDelivery => {
    const row = stmt.deliveryById.get(id) as WebhookDelivery | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No existe la entrega ${id}`);
    return row;
  };

  return {
    /** Inside the outbox's transaction: one delivery per matching active endpoint. */
    enqueue(
      event: { id: string; evento: string; fecha: string; datos: unknown },
      now: Date,
    ): number {
      const cuerpo = JSON.stringify({
        id: event.id,
        evento: event.evento,
        fecha: event.fecha,
        datos: event.datos,
      });
      return stmt.enqueue.run({
        evento_id: event.id,
        evento: event.evento,
        cuerpo,
        now: now.toISOString(),
      }).changes;
    },

    create(input: {
      nombre: string;
      url: string;
      eventos: EventType[];
    }): Webhook & { secreto: string } {
      const secreto = generateWebhookSecret();
      const { lastInsertRowid } = stmt.insert.run({
        nombre: input.nombre,
        url: input.url,
        eventos: JSON.stringify([...new Set(input.eventos)]),
        secreto,
        now: clock.now().toISOString(),
      });
      const id = Number(lastInsertRowid);
      onChange?.(id);
      return { ...toWebhook(requireRow(id)), secreto };
    },

    list({ page, page_size }: { page: number; page_size: number }): Page<Webhook> {
      const total = (db.prepare('SELECT count(*) AS n FROM webhooks').get() as { n: number }).n;
      const rows = db
        .prepare('SELECT * FROM webhooks ORDER BY id LIMIT ? OFFSET ?')
        .all(page_size, (page - 1) * page_size) as WebhookRow[];
      // The page's delivery counts in one read, not one query per endpoint.
      const counts = countsOf(rows.map((r) => r.id));
      return { items: rows.map((r) => toWebhook(r, counts.get(r.id))), total, page, page_size };
    },

    get: (id: number): Webhook => toWebhook(requireRow(id)),

    update(
      id: number,
      patch: {
        nombre?: string | undefined;
        url?: string | undefined;
        eventos?: EventType[] | undefined;
        activo?: boolean | undefined;
      },
    ): Webhook {
      const row = requireRow(id);
      const next = {
        nombre: patch.nombre ?? row.nombre,
        url: patch.url ?? row.url,
        eventos: patch.eventos ? JSON.stringify([...new Set(patch.eventos)]) : row.eventos,
        activo: patch.activo === undefined ? row.activo : patch.activo ? 1 : 0,
      };
      const reenabled = next.activo === 1 && row.activo === 0;
      db.prepare(
        `UPDATE webhooks SET nombre = @nombre, url = @url, eventos = @eventos, activo = @activo,
        motivo_desactivacion = CASE WHEN @activo = 1 THEN NULL WHEN @activo = 0 AND activo = 1 THEN @motivo ELSE motivo_desactivacion END,
        desactivado_por = CASE WHEN @activo = 1 THEN NULL WHEN @activo = 0 AND activo = 1 THEN 'personal' ELSE desactivado_por END,
        fallos_consecutivos = CASE WHEN @reenabled THEN 0 ELSE fallos_consecutivos END,
        fallando_desde = CASE WHEN @reenabled THEN NULL ELSE fallando_desde END,
        fecha_actualizacion = @now WHERE id = @id`,
      ).run({
        ...next,
        motivo: 'Desactivado por el personal',
        reenabled: reenabled ? 1 : 0,
        now: clock.now().toISOString(),
        id,
      });
      onChange?.(id);
      return toWebhook(requireRow(id));
    },

    delete(id: number): { id: number } {
      requireRow(id);
      db.prepare('DELETE FROM webhooks WHERE id = ?').run(id);
      onChange?.(id);
      return { id };
    },

    secret(id: number): { secreto: string; secreto_anterior: string | null } {
      const row = requireRow(id);
      const rotating =
        row.secreto_anterior_hasta !== null &&
        row.secreto_anterior_hasta > clock.now().toISOString();
      return { secreto: row.secreto, secreto_anterior: rotating ? row.secreto_anterior : null };
    },

    rotateSecret(id: number): { secreto: string; rotacion_hasta: string } {
      const row = requireRow(id);
      const now = clock.now();
      const secreto = generateWebhookSecret();
      const until = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
      db.prepare(
        `UPDATE webhooks SET secreto = ?, secreto_anterior = ?, secreto_anterior_hasta = ?,
        fecha_actualizacion = ? WHERE id = ?`,
      ).run(secreto, row.secreto, until, now.toISOString(), id);
      onChange?.(id);
      return { secreto, rotacion_hasta: until };
    },

    /** A `ping` delivery to one endpoint, through the same queue as real events. */
    test(id: number): WebhookDelivery {
      const row = requireRow(id);
      const now = clock.now();
      const eventId = newEventId(now);
      const cuerpo = JSON.stringify({
        id: eventId,
        evento: 'ping',
        fecha: now.toISOString(),
        datos: {
          mensaje: 'Prueba de GSIH Integraciones',
          webhook: { id: row.id, nombre: row.nombre },
        },
      });
      const { lastInsertRowid } = stmt.insertDelivery.run(
        id,
        eventId,
        'ping',
        cuerpo,
        now.toISOString(),
        now.toISOString(),
      );
      onChange?.(id);
      return requireDelivery(Number(lastInsertRowid));
    },

    deliveries(filter: {
      webhook?: number | undefined;
      estado?: DeliveryState | undefined;
      page: number;
      page_size: number;
    }): Page<WebhookDelivery> {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.webhook !== undefined) {
        where.push('webhook_id = @webhook');
        params.webhook = filter.webhook;
      }
      if (filter.estado) {
        if (!DELIVERY_STATES.includes(filter.estado))
          throw new AppError(
            'VALIDATION',
            `Estado de entrega desconocido: «${filter.estado}». Use ${DELIVERY_STATES.join(', ')}.`,
          );
        // A literal, not a parameter: SQLite only picks a state's partial index (migration 0009)
        // when the query names the state.
        where.push(`estado = '${filter.estado}'`);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT count(*) AS n FROM webhook_deliveries ${clause}`).get(params) as {
          n: number;
        }
      ).n;
      const items = db
        .prepare(
          `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          ...params,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as WebhookDelivery[];
      return { items, total, page: filter.page, page_size: filter.page_size };
    },

    attempts(deliveryId: number): WebhookAttempt[] {
      requireDelivery(deliveryId);
      // In the order they were made: a resend starts numero at 1 again, so ordering by numero
      // put the new attempts among the old ones.
      return db
        .prepare(
          `SELECT id, numero, fecha, status, cuerpo_respuesta, duracion_ms, error FROM webhook_attempts
          WHERE delivery_id = ? ORDER BY id`,
        )
        .all(deliveryId) as WebhookAttempt[];
    },

    /** Sends a finished delivery again, with the same event id and body. */
    resend(deliveryId: number): WebhookDelivery {
      const delivery = requireDelivery(deliveryId);
      if (stmt.resend.run(clock.now().toISOString(), deliveryId).changes === 0) {
        throw new AppError(
          'CONFLICT',
          `La entrega ${deliveryId} está ${delivery.estado.toLowerCase()}: ya se está enviando`,
        );
      }
      onChange?.(delivery.webhook);
      return requireDelivery(deliveryId);
    },

    resendFailed(
      webhookId: number,
      range: { desde?: string | undefined; hasta?: string | undefined },
    ): { reenviadas: number } {
      requireRow(webhookId);
      const { changes } = db
        .prepare(
          `UPDATE webhook_deliveries SET estado = 'PENDIENTE', intentos = 0, proximo_intento = @now,
          lease_hasta = NULL, lease_owner = NULL
          WHERE webhook_id = @webhook AND estado = 'FALLIDO'
          AND (@desde IS NULL OR fecha_creacion >= @desde) AND (@hasta IS NULL OR fecha_creacion <= @hasta)`,
        )
        .run({
          now: clock.now().toISOString(),
          webhook: webhookId,
          desde: range.desde ? new Date(range.desde).toISOString() : null,
          hasta: range.hasta ? new Date(range.hasta).toISOString() : null,
        });
      onChange?.(webhookId);
      return { reenviadas: changes };
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import type { EventType, OutboxEvent, Page } from '../../shared/domain';

/** `evt_` + time (so ids sort roughly by creation) + 80 random bits. */
export function newEventId(now: Date): string {
  return `evt_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;
}

export interface Outbox {
  /** Must be called inside the transaction of the change that raises the event. */
  append(evento: EventType, datos: Record<string, unknown>, now: Date): OutboxEvent;
  list(filter: {
    evento?: EventType | undefined;
    page: number;
    page_size: number;
  }): Page<OutboxEvent>;
}

interface EventRow {
  id: string;
  evento: EventType;
  fecha: string;
  datos: string;
}

/**
 * `fanOut` runs inside the same transaction as the event: the webhook deliveries of an event
 * exist exactly when the event does.
 */
export function createOutbox(db: Db, fanOut?: (event: OutboxEvent, now: Date) => void): Outbox {
  const insert = db.prepare('INSERT INTO events (id, evento, fecha, datos) VALUES (?, ?, ?, ?)');
  return {
    append(evento, datos, now) {
      if (!db.inTransaction) {
        // An event written outside its change's transaction could outlive a rollback.
        throw new Error('Outbox.append called outside a transaction');
      }
      const event: OutboxEvent = { id: newEventId(now), evento, fecha: now.toISOString(), datos };
      insert.run(event.id, evento, event.fecha, JSON.stringify(datos));
      fanOut?.(event, now);
      return event;
    },
    list({ evento, page, page_size }) {
      const where = evento ? 'WHERE evento = @evento' : '';
      const total = (
        db.prepare(`SELECT count(*) AS n FROM events ${where}`).get({ evento }) as {
          n: number;
        }
      ).n;
      const rows = db
        .prepare(
          `SELECT id, evento, fecha, datos FROM events ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
        )
        .all({ evento, limit: page_size, offset: (page - 1) * page_size }) as EventRow[];
      return {
        items: rows.map((r) => ({ ...r, datos: JSON.parse(r.datos) as Record<string, unknown> })),
        total,
        page,
        page_size,
      };
    },
  };
}

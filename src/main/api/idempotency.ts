import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import { problem, sendProblem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { keyId: number; clave: string; replayed: boolean };
  }
}

/** How long a response is kept for retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim older than this belongs to a request that died mid-flight: it may be taken over. */
const IN_FLIGHT_LEASE_MS = 60_000;
const HEADER_PATTERN = /^[\x21-\x7e]{1,255}$/;

type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; contentType: string | null; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

interface Row {
  huella: string;
  estado: 'EN_CURSO' | 'COMPLETADO';
  status: number | null;
  content_type: string | null;
  cuerpo: string | null;
  fecha_creacion: string;
  fecha_expiracion: string;
}

export function createIdempotencyStore(db: Db, clock: Clock) {
  const select = db.prepare('SELECT * FROM idempotency_records WHERE api_key_id = ? AND clave = ?');
  const insert = db.prepare(`INSERT INTO idempotency_records (api_key_id, clave, huella, estado,
    fecha_creacion, fecha_expiracion) VALUES (?, ?, ?, 'EN_CURSO', ?, ?)`);
  const remove = db.prepare('DELETE FROM idempotency_records WHERE api_key_id = ? AND clave = ?');
  const complete = db.prepare(`UPDATE idempotency_records SET estado = 'COMPLETADO', status = ?,
    content_type = ?, cuerpo = ? WHERE api_key_id = ? AND clave = ?`);

  // One synchronous transaction: two requests with the same key cannot both claim it.
  const claim = writeTransaction(db, (keyId: number, clave: string, huella: string): Claim => {
    const now = clock.now();
    const row = select.get(keyId, clave) as Row | undefined;
    const abandoned =
      row?.estado === 'EN_CURSO' &&
      now.getTime() - Date.parse(row.fecha_creacion) > IN_FLIGHT_LEASE_MS;
    if (row && row.fecha_expiracion > now.toISOString() && !abandoned) {
      if (row.huella !== huella) return { kind: 'mismatch' };
      if (row.estado === 'EN_CURSO') return { kind: 'in_progress' };
      return {
        kind: 'replay',
        status: row.status!,
        contentType: row.content_type,
        body: row.cuerpo ?? '',
      };
    }
    if (row) remove.run(keyId, clave);
    insert.run(
      keyId,
      clave,
      huella,
      now.toISOString(),
      new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
    );
    return { kind: 'claimed' };
  });

  return {
    claim,
    complete(
      keyId: number,
      clave: string,
      status: number,
      contentType: string | null,
      body: string,
    ) {
      complete.run(status, contentType, body, keyId, clave);
    },
    release(keyId: number, clave: string) {
      remove.run(keyId, clave);
    },
    prune(): number {
      return db
        .prepare('DELETE FROM idempotency_records WHERE fecha_expiracion <= ?')
        .run(clock.now().toISOString()).changes;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

/** What makes two requests "the same" for a key: method, route and the parsed body. */
export function requestFingerprint(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${route}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

function fingerprint(request: FastifyRequest): string {
  return requestFingerprint(request.method, request.routeOptions.url ?? request.url, request.body);
}

/**
 * `Idempotency-Key` on POST: the first response is kept for 24 h per key and API key; a retry
 * with the same request gets it again (`Idempotent-Replayed: true`) without a second effect.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  const claim = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.apiKey) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const clave = Array.isArray(header) ? header[0] : header;
    if (typeof clave !== 'string' || !HEADER_PATTERN.test(clave)) {
      return sendProblem(
        reply,
        problem(
          400,
          'validacion',
          'Datos no válidos',
          'Idempotency-Key debe tener de 1 a 255 caracteres ASCII visibles.',
          {
            'Idempotency-Key': 'Valor no válido',
          },
        ),
      );
    }
    const keyId = request.apiKey.id;
    const result = store.claim(keyId, clave, fingerprint(request));
    switch (result.kind) {
      case 'claimed':
        request.idempotency = { keyId, clave, replayed: false };
        return;
      case 'replay':
        request.idempotency = { keyId, clave, replayed: true };
        reply.code(result.status).header('Idempotent-Replayed', 'true');
        if (result.contentType) reply.type(result.contentType);
        return reply.send(result.body);
      case 'mismatch':
        return sendProblem(
          reply,
          problem(
            422,
            'idempotencia-distinta',
            'Idempotency-Key reutilizada',
            'Esta Idempotency-Key ya se usó con otra petición. Use una clave nueva para cada operación distinta.',
          ),
        );
      case 'in_progress':
        reply.header('Retry-After', '1');
        return sendProblem(
          reply,
          problem(
            409,
            'idempotencia-en-curso',
            'Petición en curso',
            'La primera petición con esta Idempotency-Key aún se está procesando. Reintente en unos segundos.',
          ),
        );
    }
  };

  const keep = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotency;
    if (!claim || claim.replayed) return payload;
    // Server failures are not kept: the retry should get another chance, not the same 500.
    if (reply.statusCode >= 500) store.release(claim.keyId, claim.clave);
    else {
      const contentType = reply.getHeader('content-type');
      store.complete(
        claim.keyId,
        claim.clave,
        reply.statusCode,
        typeof contentType === 'string' ? contentType : null,
        typeof payload === 'string' ? payload : '',
      );
    }
    return payload;
  };

  // Only POST routes carry the hooks: reads, the bulk of the traffic, skip them entirely.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    route.preHandler = [...hookList(route.preHandler), claim];
    route.onSend = [...hookList(route.onSend), keep];
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

import type { FastifyInstance } from 'fastify';
import type { IntegrationLog } from '../logs/integration-log';
import { redact, redactText } from '../logs/redact';

declare module 'fastify' {
  interface FastifyRequest {
    responsePreview?: string;
    responseSize?: number;
  }
}

const PREVIEW_CHARS = 2048;

function preview(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    // A body nested deeper than JSON.stringify's stack still leaves its trace in the log.
    return '(cuerpo no representable)';
  }
  return text.length > PREVIEW_CHARS
    ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} caracteres)`
    : text;
}

/** Every API request, as the integration log's row: who, what, the outcome and how long. */
export function registerRequestLog(app: FastifyInstance, log: IntegrationLog): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    // A successful read is recorded by its size: its data is the inventory itself, and copying
    // every page into the log would cost more than serving it.
    const read = request.method === 'GET' && reply.statusCode < 400;
    request.responseSize =
      typeof payload === 'string'
        ? Buffer.byteLength(payload)
        : Buffer.isBuffer(payload)
          ? payload.length
          : undefined;
    request.responsePreview =
      !read && typeof payload === 'string' ? payload.slice(0, PREVIEW_CHARS + 1) : undefined;
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const url = request.url;
    // The documentation itself is not an integration.
    if (url.startsWith('/api/external/docs')) return done();
    const key = request.apiKey ?? request.refusedKey;
    const status = reply.statusCode;
    // Built as text in a fixed shape, so only the parts a client chose (the URL and the body) need
    // the redactor: one row per request is written on the API's hot path.
    const sent = {
      metodo: request.method,
      ruta: redactText(url.length > 500 ? `${url.slice(0, 500)}…` : url),
      // Which key, by id and display prefix only (and not under a key the redactor hides).
      identificacion: key ? { id: key.id, nombre: key.nombre, prefijo: key.prefijo } : null,
      direccion: request.ip,
      cuerpo: request.body === undefined ? null : preview(redact(request.body)),
    };
    const received =
      request.responsePreview === undefined
        ? { status, bytes: request.responseSize ?? null }
        : {
            status,
            bytes: request.responseSize ?? null,
            cuerpo: preview(redactText(request.responsePreview)),
          };
    log.writeSerialized({
      sistema: key?.sistema ?? 'desconocido',
      // The route pattern, so calls group by operation (not one tipo per id).
      tipo: `${request.method} ${request.routeOptions.url ?? url.split('?')[0]}`,
      estado: status < 400 ? 'OK' : 'ERROR',
      datos_enviados: JSON.stringify(sent),
      datos_recibidos: JSON.stringify(received),
      error: status >= 400 ? errorDetail(request.responsePreview) : null,
      duracion_ms: Math.round(reply.elapsedTime),
    });
    done();
  });
}

function errorDetail(body: string | undefined): string | null {
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail : null;
  } catch {
    return null;
  }
}

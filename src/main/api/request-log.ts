import type { FastifyInstance } from 'fastify';
import type { IntegrationLog } from '../logs/integration-log';

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
  app.addHook('onSend', async (request, reply, payload) => {
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
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    // The documentation itself is not an integration.
    if (path.startsWith('/api/external/docs')) return;
    const key = request.apiKey ?? request.refusedKey;
    const status = reply.statusCode;
    log.write({
      sistema: key?.sistema ?? 'desconocido',
      // The route pattern, so calls group by operation (not one tipo per id).
      tipo: `${request.method} ${request.routeOptions.url ?? path}`,
      estado: status < 400 ? 'OK' : 'ERROR',
      datos_enviados: {
        metodo: request.method,
        ruta: request.url.length > 500 ? `${request.url.slice(0, 500)}…` : request.url,
        // Which key, by id and display prefix only (and not under a key the redactor hides).
        identificacion: key ? { id: key.id, nombre: key.nombre, prefijo: key.prefijo } : null,
        direccion: request.ip,
        cuerpo: preview(request.body),
      },
      datos_recibidos: {
        status,
        bytes: request.responseSize ?? null,
        ...(request.responsePreview === undefined
          ? {}
          : { cuerpo: preview(request.responsePreview) }),
      },
      error: status >= 400 ? errorDetail(request.responsePreview) : null,
      duracion_ms: Math.round(reply.elapsedTime),
    });
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

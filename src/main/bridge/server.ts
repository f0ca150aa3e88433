import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { PushMessage } from '../../shared/contract';
import {
  BRIDGE_EVENTS_PATH,
  BRIDGE_FILE_NAME_HEADER,
  BRIDGE_INVOKE_PATH,
  BRIDGE_UPLOAD_PATH,
} from '../../shared/bridge-protocol';
import {
  serializeError,
  type Envelope,
  type ErrorCode,
  type SerializedError,
} from '../../shared/errors';
import type { CallContext, Dispatch } from '../dispatch';
import type { BridgeFiles } from '../import-ui/handlers';
import { UploadTooLarge } from '../import-ui/file-tokens';
import type { Logger } from '../logger';

export interface BridgeDeps {
  dispatch: Dispatch;
  subscribe(listener: (message: PushMessage) => void): () => void;
  /** Random per start; required on every /bridge request. */
  token: string;
  ctx: CallContext;
  logger: Logger;
  /** The built renderer (out/renderer); when missing, `/` explains how to build it. */
  staticDir?: string | undefined;
  heartbeatMs?: number;
  /** The CSV import's upload and rejected-rows download; without it those routes are 404. */
  files?: BridgeFiles | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Same CSP as the desktop window: the UI loads nothing from anywhere but this origin.
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_HANDLER: 404,
  CONFLICT: 409,
  INSUFFICIENT_STOCK: 409,
  UNAVAILABLE: 503,
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function tokenMatches(expected: string, header: string | undefined): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Host and Origin must name this very listener on a loopback name: a page on another site, or
 * one reached through DNS rebinding, is refused even before the token is looked at.
 */
export function isAllowedRequest(
  headers: {
    host?: string | undefined;
    origin?: string | undefined;
    'sec-fetch-site'?: string | undefined;
  },
  port: number,
): boolean {
  const host = parseHost(headers.host);
  if (!host || !LOOPBACK_HOSTS.has(host.hostname) || host.port !== port) return false;
  if (headers.origin !== undefined) {
    let origin: URL;
    try {
      origin = new URL(headers.origin);
    } catch {
      return false;
    }
    const originPort = Number(origin.port || (origin.protocol === 'https:' ? 443 : 80));
    if (
      origin.protocol !== 'http:' ||
      !LOOPBACK_HOSTS.has(origin.hostname) ||
      originPort !== port
    ) {
      return false;
    }
  }
  return headers['sec-fetch-site'] !== 'cross-site';
}

function parseHost(value: string | undefined): { hostname: string; port: number } | null {
  if (!value) return null;
  try {
    const url = new URL(`http://${value}`);
    if (url.username || url.password || url.pathname !== '/') return null;
    return { hostname: url.hostname, port: Number(url.port || 80) };
  } catch {
    return null;
  }
}

/** `attachment` with an ASCII fallback name and the real one (accents included) per RFC 6266. */
function attachment(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendError(reply: FastifyReply, error: SerializedError, status?: number): FastifyReply {
  const body: Envelope<never> = { ok: false, error };
  return reply.code(status ?? STATUS_BY_CODE[error.code] ?? 500).send(body);
}

/** The loopback HTTP transport for the handler map (headless mode). Built here, listened by the caller. */
export function buildBridgeServer(deps: BridgeDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const streams = new Set<() => void>();
  // The bridge speaks JSON only; anything else is a 415, not a string handed to a handler.
  app.removeContentTypeParser('text/plain');

  const ownPort = (request: FastifyRequest) => (request.socket.address() as AddressInfo).port;

  app.addHook('onRequest', async (request, reply) => {
    if (
      !isAllowedRequest(request.headers as Record<string, string | undefined>, ownPort(request))
    ) {
      return sendError(reply, { code: 'FORBIDDEN', message: 'Origen o host no permitido' }, 403);
    }
    if (
      request.url.startsWith('/bridge/') &&
      !tokenMatches(deps.token, request.headers.authorization)
    ) {
      return sendError(reply, {
        code: 'UNAUTHORIZED',
        message:
          'Falta el token de acceso o no es válido. Abra la dirección que imprimió «gsih serve».',
      });
    }
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
  });

  app.setErrorHandler((error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413)
      return sendError(reply, { code: 'VALIDATION', message: 'La petición supera 1 MB' }, 413);
    if (status === 415) {
      return sendError(
        reply,
        { code: 'VALIDATION', message: 'El cuerpo debe ser JSON (application/json)' },
        415,
      );
    }
    if (status >= 400 && status < 500) {
      return sendError(
        reply,
        { code: 'VALIDATION', message: 'Petición no válida: el cuerpo no es JSON válido' },
        status,
      );
    }
    deps.logger.error('bridge request failed', error);
    return sendError(reply, { code: 'INTERNAL', message: 'Error interno del servicio' }, 500);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, {
      code: 'NOT_FOUND',
      message: `No existe ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  // The name is `domain/verb`: a wildcard takes it whether or not the slash is percent-encoded.
  app.post<{ Params: { '*': string } }>(`${BRIDGE_INVOKE_PATH}*`, async (request, reply) => {
    const envelope = await deps.dispatch(
      decodeURIComponent(request.params['*']),
      request.body ?? {},
      deps.ctx,
    );
    if (!envelope.ok) return sendError(reply, envelope.error);
    return reply.send(envelope);
  });

  app.get(BRIDGE_EVENTS_PATH, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': conectado\n\n');
    const unsubscribe = deps.subscribe((message) =>
      res.write(`data: ${JSON.stringify(message)}\n\n`),
    );
    const heartbeat = setInterval(() => res.write(': latido\n\n'), deps.heartbeatMs ?? 15_000);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(close);
      res.end();
    };
    streams.add(close);
    request.raw.on('close', close);
  });

  const files = deps.files;
  if (files) {
    // The file's bytes as they are, whatever the browser calls them (text/csv,
    // application/vnd.ms-excel, nothing): only this route takes a body that is not JSON.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      scope.post(BRIDGE_UPLOAD_PATH, async (request, reply) => {
        const header = request.headers[BRIDGE_FILE_NAME_HEADER];
        let name = 'archivo.csv';
        try {
          if (typeof header === 'string' && header !== '') name = decodeURIComponent(header);
        } catch {
          // A name that is not valid percent-encoding: the placeholder will do.
        }
        const length = Number(request.headers['content-length']);
        try {
          const chosen = await files.receiveUpload(
            (request.body as Readable | undefined) ?? request.raw,
            name,
            Number.isFinite(length) ? length : null,
          );
          return reply.send({ ok: true, result: chosen } satisfies Envelope<unknown>);
        } catch (error) {
          const serialized = serializeError(error);
          if (serialized.code === 'INTERNAL') deps.logger.error('bridge upload failed', error);
          return sendError(reply, serialized, error instanceof UploadTooLarge ? 413 : undefined);
        }
      });
    });

    app.get<{ Params: { id: string } }>(
      '/bridge/imports/:id/rechazadas.csv',
      async (request, reply) => {
        const id = Number(request.params.id);
        if (!Number.isSafeInteger(id) || id < 1) {
          return sendError(reply, { code: 'NOT_FOUND', message: 'No existe esa importación' });
        }
        let report: { path: string; nombre: string };
        try {
          report = files.rejectedReport(id);
        } catch (error) {
          return sendError(reply, serializeError(error));
        }
        return reply
          .type('text/csv')
          .header('Content-Disposition', attachment(report.nombre))
          .send(createReadStream(report.path));
      },
    );
  }

  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });

  const staticDir = deps.staticDir;
  if (staticDir && existsSync(staticDir)) {
    void app.register(fastifyStatic, {
      root: staticDir,
      index: 'index.html',
      setHeaders(reply, path) {
        if (path.endsWith('.html'))
          reply.header('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
      },
    });
  } else {
    app.get('/', (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'La interfaz no está compilada. Ejecute «npm run build» y vuelva a iniciar «gsih serve».',
        ),
    );
  }

  return app;
}

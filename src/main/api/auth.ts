import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, ApiScope } from '../../shared/domain';
import type { KeyRefusal, KeyService } from '../keys/service';
import { problem, sendProblem } from './problem';
import { createRateLimiter } from './rate-limiter';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, OpenAPI, docs). */
    scope?: ApiScope;
  }
  interface FastifyRequest {
    apiKey?: ApiKey;
    /** A key that exists but was refused (revoked, expired): logged under its system. */
    refusedKey?: ApiKey;
    /** Who the rate limiter counts this request against, set by the auth hook. */
    rateIdentity?: { key: string; max: number; windowMs: number; policy: string };
  }
}

export interface AuthLimits {
  /** Requests without a valid key, per client address, in `anonymousWindowMs`: slows key guessing. */
  anonymousMax: number;
  anonymousWindowMs: number;
  /** Each key's own limit (`limite_hora`) applies per this window. */
  keyWindowMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  anonymousMax: 60,
  anonymousWindowMs: 15 * 60_000,
  keyWindowMs: 60 * 60_000,
};

const REFUSALS: Record<KeyRefusal | 'missing' | 'scheme', string> = {
  missing: 'Falta la cabecera Authorization. Envíe «Authorization: ApiKey <clave>».',
  scheme: 'Formato de autorización no válido. Envíe «Authorization: ApiKey <clave>».',
  malformed: 'La clave no tiene el formato de una clave de GSIH (¿está incompleta o mal copiada?).',
  unknown: 'La clave no es válida.',
  revoked: 'La clave fue revocada. Pida una nueva al almacén.',
  expired: 'La clave ha caducado. Pida una nueva al almacén.',
};

/**
 * Authentication, per-key and per-address rate limits, and scopes, for every route that declares
 * a scope. Runs in onRequest, so a refused request costs no body parsing; synchronous, because it
 * runs on every request.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: KeyService,
  limits: AuthLimits,
  now: () => number,
): void {
  const limiter = createRateLimiter(now);

  /** Counts the request; answers 429 when over the limit. Returns false when it answered. */
  function countRequest(request: FastifyRequest, reply: FastifyReply): boolean {
    const identity = request.rateIdentity!;
    const verdict = limiter.hit(identity.key, identity.max, identity.windowMs);
    const seconds = Math.max(0, Math.ceil(verdict.resetMs / 1000));
    reply.header(
      'RateLimit-Policy',
      `"${identity.policy}";q=${identity.max};w=${Math.round(identity.windowMs / 1000)}`,
    );
    reply.header('RateLimit', `"${identity.policy}";r=${verdict.remaining};t=${seconds}`);
    if (verdict.allowed) return true;
    reply.header('Retry-After', String(seconds));
    const who =
      identity.policy === 'clave'
        ? 'esta clave'
        : 'las peticiones sin una clave válida desde esta dirección';
    sendProblem(
      reply,
      problem(
        429,
        'demasiadas-peticiones',
        'Demasiadas peticiones',
        `Se superó el límite de ${identity.max} peticiones para ${who}. Vuelva a intentarlo en ${seconds} s.`,
      ),
    );
    return false;
  }

  /** Answers 401 (or 429 when this address has been refused too often). */
  function refuse(request: FastifyRequest, reply: FastifyReply, reason: keyof typeof REFUSALS) {
    request.rateIdentity = {
      key: `ip:${request.ip}`,
      max: limits.anonymousMax,
      windowMs: limits.anonymousWindowMs,
      policy: 'anonimo',
    };
    if (!countRequest(request, reply)) return;
    reply.header('WWW-Authenticate', 'ApiKey realm="GSIH"');
    sendProblem(reply, problem(401, 'no-autenticado', 'No autenticado', REFUSALS[reason]));
  }

  // Callback-style: a hook that answers calls reply.send and never done().
  app.addHook('onRequest', (request, reply, done) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return done();
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') return refuse(request, reply, 'missing');
    const match = /^ApiKey[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) return refuse(request, reply, 'scheme');
    const auth = keys.authenticate(match[1]!);
    if (!auth.ok) {
      request.refusedKey = auth.key;
      return refuse(request, reply, auth.reason);
    }

    request.apiKey = auth.key;
    request.rateIdentity = {
      key: `clave:${auth.key.id}`,
      max: auth.key.limite_hora,
      windowMs: limits.keyWindowMs,
      policy: 'clave',
    };
    if (!countRequest(request, reply)) return;
    if (!auth.key.scopes.includes(scope)) {
      sendProblem(
        reply,
        problem(
          403,
          'sin-permiso',
          'Sin permiso',
          `La clave «${auth.key.nombre}» no tiene el permiso ${scope}.`,
        ),
      );
      return;
    }
    done();
  });
}

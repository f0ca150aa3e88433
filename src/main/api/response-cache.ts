import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** GET answers that depend only on the inventory: kept until the inventory changes. */
    cacheable?: boolean;
  }
  interface FastifyRequest {
    cacheKey?: { key: string; generation: number };
  }
}

export interface ResponseCache {
  get(key: string): Buffer | undefined;
  /** Which state of the inventory an answer being computed now belongs to. */
  generation(): number;
  /** Keeps `body` only if nothing changed since `generation`: a stale page is never stored. */
  set(key: string, body: string, generation: number): void;
  /** Forget everything: called on every inventory change. */
  clear(): void;
}

/**
 * Serialised GET responses by URL and Host (the links in a page depend on both). Integrators
 * poll the same pages; between two changes of the inventory the answer is the same bytes. The
 * core clears it on every inventory change, including commits by another process on the same
 * file, which the API notices before the next request (PRAGMA data_version, see core.ts).
 */
export function createResponseCache(maxEntries = 1000): ResponseCache {
  // Kept as UTF-8 bytes: a hit is written to the socket without encoding the text again.
  const entries = new Map<string, Buffer>();
  let generation = 0;
  return {
    get: (key) => entries.get(key),
    generation: () => generation,
    set(key, body, at) {
      if (at !== generation) return;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, Buffer.from(body, 'utf8'));
    },
    clear() {
      entries.clear();
      generation++;
    },
  };
}

export function registerResponseCache(app: FastifyInstance, cache: ResponseCache): void {
  // After authentication and scopes (registered after them), so a cached answer is only served to
  // who may see it; before validation, which a URL whose answer was kept has already passed.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' || !request.routeOptions.config.cacheable) return done();
    const key = `${request.host} ${request.url}`;
    const hit = cache.get(key);
    if (hit !== undefined) {
      reply.type('application/json; charset=utf-8').send(hit);
      return;
    }
    request.cacheKey = { key, generation: cache.generation() };
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.cacheKey && reply.statusCode === 200 && typeof payload === 'string') {
      cache.set(request.cacheKey.key, payload, request.cacheKey.generation);
    }
    done(null, payload);
  });
}

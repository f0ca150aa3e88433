import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeServer, isAllowedRequest } from '../../src/main/bridge/server';
import { createBridgeTransport } from '../../src/shared/bridge-protocol';
import { createClient, ClientError } from '../../src/shared/client';
import type { PushMessage } from '../../src/shared/contract';
import { silentLogger } from '../../src/main/logger';
import { makeTestCore } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
const TOKEN = 'test-token-0123456789abcdef';

/** Raw HTTP, so tests can send the Host and Origin headers a browser or an attacker would. */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: options.method ?? 'GET',
          path: options.path,
          headers: options.headers,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    },
  );
}

describe('loopback HTTP bridge', () => {
  let core: TestCore;
  let server: ReturnType<typeof buildBridgeServer>;
  let port: number;
  let base: string;

  beforeEach(async () => {
    core = await makeTestCore();
    const staticDir = join(core.dataDir, 'ui');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>GSIH</title>');
    server = buildBridgeServer({
      dispatch: core.dispatch,
      subscribe: core.subscribe,
      token: TOKEN,
      ctx: { actor: 'ui:test' },
      logger: silentLogger,
      staticDir,
      heartbeatMs: 50,
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await server.close();
    await core.cleanup();
  });

  const invoke = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(port, {
      method: 'POST',
      path: `/bridge/invoke/${name}`,
      headers: {
        Host: `127.0.0.1:${port}`,
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('carries the typed client end to end', async () => {
    const client = createClient(createBridgeTransport({ baseUrl: base, token: TOKEN }));
    const article = await client.invoke('inventory/createArticle', {
      codigo: 'TUB-001',
      nombre: 'Tubo',
      stock_minimo: 10,
    });
    expect(article.codigo).toBe('TUB-001');
    const page = await client.invoke('inventory/listArticles', { texto: 'tubo' });
    expect(page.items.map((a) => a.id)).toEqual([article.id]);
    const error = await client
      .invoke('inventory/createArticle', { codigo: 'TUB-001', nombre: 'Otro' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: 'Ya existe un artículo con el código TUB-001',
    });
  });

  it('records the local user as the actor', async () => {
    await invoke('inventory/createArticle', { codigo: 'A', nombre: 'a' });
    const res = await invoke('inventory/createMovement', {
      tipo: 'ENTRADA',
      articulo: 1,
      cantidad: 1,
    });
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { creado_por: 'ui:test' } });
  });

  it('refuses a request without the token, or with a wrong one, and changes nothing', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, 'Bearer ']) {
      const res = await raw(port, {
        method: 'POST',
        path: '/bridge/invoke/inventory/createArticle',
        headers: {
          Host: `127.0.0.1:${port}`,
          'Content-Type': 'application/json',
          ...(auth ? { Authorization: auth } : {}),
        },
        body: JSON.stringify({ codigo: 'X', nombre: 'x' }),
      });
      expect(res.status, String(auth)).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(core.db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(0);
  });

  it('refuses a foreign Origin even with the token', async () => {
    for (const origin of [
      'http://evil.example',
      `http://127.0.0.1:${port + 1}`,
      'null',
      `https://127.0.0.1:${port}`,
    ]) {
      const res = await invoke(
        'inventory/createArticle',
        { codigo: 'X', nombre: 'x' },
        { Origin: origin },
      );
      expect(res.status, origin).toBe(403);
    }
    expect(core.db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(0);
  });

  it('accepts its own Origin', async () => {
    const res = await invoke('app/info', {}, { Origin: base });
    expect(res.status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding), also for the static UI', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `user@127.0.0.1:${port}`,
    ]) {
      expect((await invoke('app/info', {}, { Host: host })).status, host).toBe(403);
      expect((await raw(port, { path: '/', headers: { Host: host } })).status, host).toBe(403);
    }
    expect((await raw(port, { path: '/', headers: { Host: `localhost:${port}` } })).status).toBe(
      200,
    );
  });

  it('serves the UI with a restrictive CSP and no token needed', async () => {
    const res = await raw(port, { path: '/', headers: { Host: `127.0.0.1:${port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>GSIH</title>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers bad requests with an envelope error, never a stack trace', async () => {
    const notJson = await raw(port, {
      method: 'POST',
      path: '/bridge/invoke/app/info',
      headers: {
        Host: `127.0.0.1:${port}`,
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
      },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(notJson.body).not.toMatch(/at .*\.js|node_modules/);

    const wrongType = await raw(port, {
      method: 'POST',
      path: '/bridge/invoke/app/info',
      headers: {
        Host: `127.0.0.1:${port}`,
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'text/plain',
      },
      body: 'hola',
    });
    expect(wrongType.status).toBe(415);

    const huge = await invoke('inventory/createArticle', {
      codigo: 'A',
      nombre: 'x'.repeat(1_100_000),
    });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const unknown = await invoke('nada/nada', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'UNKNOWN_HANDLER' } });

    const invalid = await invoke('inventory/createArticle', { codigo: 7 });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.details).toHaveProperty('codigo');
  });

  it('streams push events to a subscribed client, and stops on unsubscribe', async () => {
    const transport = createBridgeTransport({ baseUrl: base, token: TOKEN, reconnectDelayMs: 50 });
    const seen: PushMessage[] = [];
    const unsubscribe = transport.subscribe((m) => seen.push(m));
    await new Promise((r) => setTimeout(r, 150));
    const client = createClient(transport);
    await client.invoke('inventory/createArticle', { codigo: 'A', nombre: 'a' });
    await expect.poll(() => seen.map((m) => m.event)).toContain('inventory/changed');
    expect(seen[0]).toEqual({ event: 'inventory/changed', payload: { entidad: 'articulos' } });
    unsubscribe();
    const count = seen.length;
    await client.invoke('inventory/createArticle', { codigo: 'B', nombre: 'b' });
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.length).toBe(count);
  });

  it('refuses the event stream without the token', async () => {
    const res = await raw(port, { path: '/bridge/events', headers: { Host: `127.0.0.1:${port}` } });
    expect(res.status).toBe(401);
  });
});

describe('bridge request checks', () => {
  it('parses Host and Origin instead of matching substrings', () => {
    expect(isAllowedRequest({ host: '127.0.0.1:8080' }, 8080)).toBe(true);
    expect(isAllowedRequest({ host: '[::1]:8080' }, 8080)).toBe(true);
    expect(isAllowedRequest({ host: 'localhost.evil.example:8080' }, 8080)).toBe(false);
    expect(isAllowedRequest({ host: '127.0.0.1.evil.example:8080' }, 8080)).toBe(false);
    expect(
      isAllowedRequest({ host: '127.0.0.1:8080', origin: 'http://localhost:8080' }, 8080),
    ).toBe(true);
    expect(
      isAllowedRequest(
        { host: '127.0.0.1:8080', origin: 'http://localhost:8080.evil.example' },
        8080,
      ),
    ).toBe(false);
    expect(isAllowedRequest({ host: '127.0.0.1:8080', 'sec-fetch-site': 'cross-site' }, 8080)).toBe(
      false,
    );
    expect(isAllowedRequest({}, 8080)).toBe(false);
  });
});

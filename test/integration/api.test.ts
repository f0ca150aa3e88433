import { readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiScope } from '../../src/shared/domain';
import { API_SCOPES } from '../../src/shared/domain';
import { generateApiKey, hashApiKey } from '../../src/main/keys/format';
import { requestFingerprint } from '../../src/main/api/idempotency';
import { writeTransaction } from '../../src/main/db/transaction';
import { makeTestCore, manualClock } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes
  text: string;
}

/** One HTTP request over a real loopback socket. */
async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `ApiKey ${options.key}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

function expectProblem(answer: Answer, status: number, detail?: RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: expect.stringMatching(/^urn:gsih:problema:/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (detail) expect(answer.body.detail).toMatch(detail);
  expect(answer.text).not.toMatch(/at .*\.(js|ts):\d+/);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('external API over loopback', () => {
  const clock = manualClock('2026-11-27T10:00:00.000Z');
  let core: TestCore;
  let base: string;
  let full: string; // every scope
  let reader: string; // read scopes only
  // `null` sends no key at all; leaving the argument out sends the all-scopes key.
  const get = (path: string, key: string | null = full, headers?: Record<string, string>) =>
    call(base, 'GET', path, { key: key ?? undefined, headers });
  const post = (
    path: string,
    body: unknown,
    key: string | null = full,
    headers?: Record<string, string>,
  ) => call(base, 'POST', path, { key: key ?? undefined, body, headers });
  const newKey = (
    scopes: ApiScope[] = [...API_SCOPES],
    extra: { dias?: number | null; limite_hora?: number; sistema?: string } = {},
  ) =>
    core.services.keys.create({
      nombre: 'prueba',
      sistema: extra.sistema ?? 'ERP',
      scopes,
      dias: extra.dias ?? null,
      limite_hora: extra.limite_hora ?? 100_000,
    });

  beforeAll(async () => {
    core = await makeTestCore({ clock, apiLimits: { anonymousMax: 10_000 } });
    await core.start({ api: { host: '127.0.0.1', port: 0, required: true } });
    base = `http://127.0.0.1:${core.apiStatus().port}`;
    full = newKey().clave;
    reader = newKey(['articulos:read', 'stock:read', 'movimientos:read', 'reportes:read'], {
      sistema: 'Informes',
    }).clave;
  });
  afterAll(() => core.cleanup());

  describe('public endpoints', () => {
    it('answers health without a key', async () => {
      const answer = await get('/api/health', null);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ estado: 'ok', version: expect.any(String) });
    });

    it('serves the OpenAPI document and the docs page without a key', async () => {
      const doc = await get('/api/external/openapi.json', null);
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      const page = await get('/api/external/docs', null);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('answers an unknown path with a problem 404', async () => {
      expectProblem(await get('/api/external/nada/'), 404, /No existe GET \/api\/external\/nada\//);
    });

    it('answers a method the path does not have with a problem 405 and the Allow header', async () => {
      const list = await call(base, 'DELETE', '/api/external/articulos/', { key: full });
      expectProblem(list, 405, /no admite DELETE; admite GET, HEAD, POST/);
      expect(list.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(list.body.type).toBe('urn:gsih:problema:metodo-no-permitido');
      // A path with a parameter, and a POST-only one.
      const one = await call(base, 'PUT', '/api/external/articulos/7/', { key: full, body: {} });
      expectProblem(one, 405);
      expect(one.headers.get('allow')).toBe('GET, HEAD');
      const approve = await get('/api/external/movimientos/7/aprobar/');
      expectProblem(approve, 405);
      expect(approve.headers.get('allow')).toBe('POST');
    });

    it('reports where it listens', () => {
      expect(core.apiStatus()).toMatchObject({
        escuchando: true,
        host: '127.0.0.1',
        direcciones: [`${base}/`],
        error: null,
      });
    });
  });

  describe('authentication and scopes', () => {
    it('refuses a request without a key, with a bad scheme, a malformed or an unknown key', async () => {
      expectProblem(
        await get('/api/external/articulos/', null),
        401,
        /Falta la cabecera Authorization/,
      );
      expectProblem(
        await get('/api/external/articulos/', null, { Authorization: `Bearer ${full}` }),
        401,
        /Formato de autorización/,
      );
      expectProblem(
        await get(
          '/api/external/articulos/',
          `${full.slice(0, -1)}${full.endsWith('x') ? 'y' : 'x'}`,
        ),
        401,
        /formato de una clave/,
      );
      expectProblem(
        await get('/api/external/articulos/', generateApiKey().key),
        401,
        /^La clave no es válida/,
      );
      const answer = await get('/api/external/articulos/', null);
      expect(answer.headers.get('www-authenticate')).toBe('ApiKey realm="GSIH"');
    });

    it('accepts the scheme name in any case', async () => {
      expect(
        (await get('/api/external/articulos/', null, { Authorization: `apikey ${full}` })).status,
      ).toBe(200);
    });

    it('refuses a key revoked by another process from the next request on', async () => {
      const { clave } = newKey(['stock:read']);
      expect((await get('/api/external/stock/', clave)).status).toBe(200);
      expect((await get('/api/external/stock/', clave)).status).toBe(200); // now kept in memory
      const other = new Database(join(core.dataDir, 'gsih.db'));
      // As `gsih keys revoke` does: a write transaction of the app (it bumps the change counter).
      writeTransaction(other, () =>
        other
          .prepare("UPDATE api_keys SET activo = 0, fecha_revocacion = 'x' WHERE hash = ?")
          .run(hashApiKey(clave)),
      )();
      other.close();
      await sleep(30);
      expectProblem(await get('/api/external/stock/', clave), 401, /revocada/);
    });

    it('refuses a revoked key from the next request on', async () => {
      const { clave, key } = newKey(['stock:read'], { sistema: 'Antiguo' });
      expect((await get('/api/external/stock/', clave)).status).toBe(200);
      core.services.keys.revoke(key.id);
      expectProblem(await get('/api/external/stock/', clave), 401, /revocada/);
      // Staff can see which system still calls with it.
      core.services.log.flush();
      const logged = core.services.log.list({ sistema: 'Antiguo', page: 1, page_size: 5 }).items;
      expect(logged[0]).toMatchObject({
        estado: 'ERROR',
        error: expect.stringMatching(/revocada/),
      });
    });

    it('refuses an expired key from the moment it expires', async () => {
      const { clave } = newKey(['stock:read'], { dias: 1 });
      expect((await get('/api/external/stock/', clave)).status).toBe(200);
      clock.advance(24 * 60 * 60 * 1000 - 1000);
      expect((await get('/api/external/stock/', clave)).status).toBe(200);
      clock.advance(1000);
      expectProblem(await get('/api/external/stock/', clave), 401, /caducado/);
    });

    it('refuses a route the key has no scope for with 403, naming the scope', async () => {
      expectProblem(
        await post('/api/external/articulos/', { codigo: 'X', nombre: 'x' }, reader),
        403,
        /articulos:write/,
      );
      const stockOnly = newKey(['stock:read']).clave;
      expectProblem(await get('/api/external/articulos/', stockOnly), 403, /articulos:read/);
      expectProblem(await get('/api/external/reportes/', stockOnly), 403, /reportes:read/);
      expect(
        core.db.prepare(`SELECT count(*) FROM articles WHERE codigo = 'X'`).pluck().get(),
      ).toBe(0);
    });

    it('records the last use of a key', async () => {
      const { clave, key } = newKey(['stock:read']);
      expect(core.services.keys.get(key.id).ultimo_uso).toBeNull();
      await get('/api/external/stock/', clave);
      expect(core.services.keys.get(key.id).ultimo_uso).toBe(clock.now().toISOString());
    });
  });

  describe('artículos', () => {
    it('creates an article (201) and refuses a duplicate código (409)', async () => {
      const created = await post('/api/external/articulos/', {
        codigo: 'TUB-001',
        nombre: 'Tubo de acero',
        material: 'acero',
        diametro: 20,
        stock_minimo: 10,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        codigo: 'TUB-001',
        nombre: 'Tubo de acero',
        material: 'acero',
        diametro: 20,
        unidad: 'unidad',
        stock_minimo: 10,
        referencia_externa: null,
        fecha_creacion: clock.now().toISOString(),
        fecha_actualizacion: clock.now().toISOString(),
      });
      expectProblem(
        await post('/api/external/articulos/', { codigo: 'TUB-001', nombre: 'Otro' }),
        409,
        /Ya existe un artículo con el código TUB-001/,
      );
    });

    it('validates the body field by field (400) in Spanish', async () => {
      const answer = await post('/api/external/articulos/', {
        codigo: 7,
        stock_minimo: -1,
        extra: true,
      });
      expectProblem(answer, 400);
      expect(Object.keys(answer.body.errors)).toEqual(
        expect.arrayContaining(['codigo', 'nombre', 'stock_minimo']),
      );
      expect(answer.body.title).toBe('Datos no válidos');
    });

    it('gets one article and answers 404 / 400 for a missing or bad id', async () => {
      const list = await get('/api/external/articulos/?texto=TUB-001');
      const id = list.body.results[0].id;
      expect((await get(`/api/external/articulos/${id}/`)).body.codigo).toBe('TUB-001');
      expectProblem(
        await get('/api/external/articulos/999999/'),
        404,
        /No existe el artículo 999999/,
      );
      expectProblem(await get('/api/external/articulos/abc/'), 400);
    });

    it('answers with and without the trailing slash', async () => {
      for (const path of [
        '/api/external/articulos',
        '/api/external/articulos/',
        '/api/external/stock',
        '/api/external/reportes',
        '/api/external/articulos/1',
        '/api/external/articulos/1/',
      ]) {
        expect((await get(path)).status, path).toBe(200);
      }
    });

    it('paginates with the DRF envelope and absolute links', async () => {
      for (let i = 1; i <= 7; i++)
        core.services.inventory.createArticle({
          codigo: `PAG-${i}`,
          nombre: `Codo ${i}`,
          material: 'pvc',
          diametro: null,
          unidad: 'unidad',
          stock_minimo: 0,
          referencia_externa: null,
        });
      const first = await get('/api/external/articulos/?material=PVC&page_size=3');
      expect(first.body.count).toBe(7);
      expect(first.body.results.map((a: { codigo: string }) => a.codigo)).toEqual([
        'PAG-1',
        'PAG-2',
        'PAG-3',
      ]);
      expect(first.body.previous).toBeNull();
      expect(first.body.next).toBe(
        `${base}/api/external/articulos/?material=PVC&page_size=3&page=2`,
      );
      const last = await get(
        new URL(first.body.next).pathname +
          new URL(first.body.next).search.replace('page=2', 'page=3'),
      );
      expect(last.body.results.map((a: { codigo: string }) => a.codigo)).toEqual(['PAG-7']);
      expect(last.body.next).toBeNull();
      expect(last.body.previous).toContain('page=2');
      expectProblem(
        await get('/api/external/articulos/?material=PVC&page_size=3&page=4'),
        404,
        /Página no válida/,
      );
      expectProblem(await get('/api/external/articulos/?page_size=501'), 400, /page_size/);
      expectProblem(await get('/api/external/articulos/?page=0'), 400);
      expectProblem(await get('/api/external/articulos/?desconocido=1'), 400);
    });

    it('filters by texto and by actualizado_desde', async () => {
      expect((await get('/api/external/articulos/?texto=codo%207')).body.count).toBe(1);
      clock.advance(60_000);
      const since = clock.now().toISOString();
      core.services.inventory.createArticle({
        codigo: 'NUEVO-1',
        nombre: 'Nuevo',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      });
      const recent = await get(
        `/api/external/articulos/?actualizado_desde=${encodeURIComponent(since)}`,
      );
      expect(recent.body.results.map((a: { codigo: string }) => a.codigo)).toEqual(['NUEVO-1']);
      expectProblem(
        await get('/api/external/articulos/?actualizado_desde=ayer'),
        400,
        /actualizado_desde/,
      );
    });
  });

  describe('movimientos, stock and reportes', () => {
    let articulo: number;
    beforeAll(async () => {
      articulo = (
        await post('/api/external/articulos/', {
          codigo: 'MOV-1',
          nombre: 'Brida',
          stock_minimo: 10,
        })
      ).body.id;
    });

    it('creates a PENDIENTE movement from the API, raising movimiento_creado', async () => {
      const events = () =>
        core.services.outbox.list({ evento: 'movimiento_creado', page: 1, page_size: 100 }).total;
      const before = events();
      const answer = await post('/api/external/movimientos/', {
        tipo: 'ENTRADA',
        articulo,
        cantidad: 12,
        referencia: 'ALB-1',
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        tipo: 'ENTRADA',
        articulo,
        cantidad: 12,
        almacen: 'PRINCIPAL',
        estado: 'PENDIENTE',
        origen: 'api',
        creado_por: 'api:ERP:prueba',
      });
      expect(events()).toBe(before + 1);
    });

    it('approves with movimientos:aprobar and updates stock; a SALIDA beyond stock is 409 and stays pending', async () => {
      const pending = await get(`/api/external/movimientos/?estado=PENDIENTE`);
      const entrada = pending.body.results.find(
        (m: { articulo: number }) => m.articulo === articulo,
      );
      expectProblem(
        await post(`/api/external/movimientos/${entrada.id}/aprobar/`, undefined, reader),
        403,
        /movimientos:aprobar/,
      );
      const approved = await post(`/api/external/movimientos/${entrada.id}/aprobar/`, undefined);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        estado: 'APROBADO',
        stock_anterior: 0,
        stock_resultante: 12,
      });
      expectProblem(
        await post(`/api/external/movimientos/${entrada.id}/aprobar/`, undefined),
        409,
        /ya está aprobado/,
      );

      const salida = (
        await post('/api/external/movimientos/', { tipo: 'SALIDA', articulo, cantidad: 50 })
      ).body;
      expectProblem(
        await post(`/api/external/movimientos/${salida.id}/aprobar/`, undefined),
        409,
        /Stock insuficiente/,
      );
      expect(
        (await get(`/api/external/movimientos/?estado=PENDIENTE`)).body.results.map(
          (m: { id: number }) => m.id,
        ),
      ).toContain(salida.id);
      expectProblem(await post('/api/external/movimientos/999999/aprobar/', undefined), 404);

      const small = (
        await post('/api/external/movimientos/', { tipo: 'SALIDA', articulo, cantidad: 5 })
      ).body;
      expect((await post(`/api/external/movimientos/${small.id}/aprobar/`, {})).status).toBe(200);
    });

    it('refuses a movement for an article that does not exist (422) or with zero quantity (400)', async () => {
      expectProblem(
        await post('/api/external/movimientos/', {
          tipo: 'ENTRADA',
          articulo: 999999,
          cantidad: 1,
        }),
        422,
        /No existe el artículo/,
      );
      const zero = await post('/api/external/movimientos/', {
        tipo: 'ENTRADA',
        articulo,
        cantidad: 0,
      });
      expectProblem(zero, 400);
      expect(zero.body.errors).toEqual({ cantidad: 'La cantidad debe ser mayor que cero' });
    });

    it('lists stock per article and almacén with its filters', async () => {
      const all = await get(`/api/external/stock/?articulo=${articulo}`);
      expect(all.body.results).toEqual([
        expect.objectContaining({
          articulo,
          codigo: 'MOV-1',
          almacen: 'PRINCIPAL',
          cantidad: 7,
          stock_minimo: 10,
          bajo_minimo: true,
        }),
      ]);
      expect(
        (await get('/api/external/stock/?bajo_minimo=true')).body.results.map(
          (s: { codigo: string }) => s.codigo,
        ),
      ).toContain('MOV-1');
      expect(
        (await get('/api/external/stock/?bajo_minimo=false')).body.results.map(
          (s: { codigo: string }) => s.codigo,
        ),
      ).not.toContain('MOV-1');
      expect((await get('/api/external/stock/?almacen=OTRO')).body.count).toBe(0);
      expectProblem(await get('/api/external/stock/?bajo_minimo=quizas'), 400, /bajo_minimo/);
    });

    it('filters movements by estado and date range', async () => {
      const now = clock.now().toISOString();
      const later = new Date(clock.now().getTime() + 60_000).toISOString();
      expect(
        (await get(`/api/external/movimientos/?estado=APROBADO&desde=${encodeURIComponent(now)}`))
          .body.count,
      ).toBe(2);
      expect(
        (await get(`/api/external/movimientos/?desde=${encodeURIComponent(later)}`)).body.count,
      ).toBe(0);
      expectProblem(await get('/api/external/movimientos/?estado=BORRADO'), 400, /estado/);
    });

    it('summarises stock in reportes', async () => {
      const report = await get('/api/external/reportes/', reader);
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        articulos: expect.any(Number),
        unidades: 7,
        movimientos_por_tipo: { ENTRADA: 1, SALIDA: 1, AJUSTE: 0 },
      });
      expect(report.body.bajo_minimo).toContainEqual({
        articulo,
        codigo: 'MOV-1',
        nombre: 'Brida',
        almacen: 'PRINCIPAL',
        cantidad: 7,
        stock_minimo: 10,
        faltante: 3,
      });
      const future = await get(
        `/api/external/reportes/?desde=${encodeURIComponent('2030-01-01T00:00:00Z')}`,
        reader,
      );
      expect(future.body.movimientos_por_tipo).toEqual({ ENTRADA: 0, SALIDA: 0, AJUSTE: 0 });
    });
  });

  describe('cached answers', () => {
    it('serve the same bytes until the inventory changes, here or in another process', async () => {
      const id = core.services.inventory.createArticle({
        codigo: 'CACHE-1',
        nombre: 'Antes',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      }).id;
      const path = `/api/external/articulos/${id}/`;
      expect((await get(path)).body.nombre).toBe('Antes');
      expect((await get(path)).body.nombre).toBe('Antes');
      core.services.inventory.updateArticle(id, { nombre: 'Después' });
      expect((await get(path)).body.nombre).toBe('Después');
      // Another process (a one-shot gsih command) writes to the same file.
      const other = new Database(join(core.dataDir, 'gsih.db'));
      writeTransaction(other, () =>
        other.prepare('UPDATE articles SET nombre = ? WHERE id = ?').run('Desde fuera', id),
      )();
      other.close();
      // The API looks at the file's data_version before a request, at most every 25 ms.
      await sleep(30);
      expect((await get(path)).body.nombre).toBe('Desde fuera');
    });

    it('are only served to a key with the scope', async () => {
      await get('/api/external/reportes/');
      const stockOnly = newKey(['stock:read']).clave;
      expectProblem(await get('/api/external/reportes/', stockOnly), 403);
    });
  });

  describe('request bodies', () => {
    it('treats an empty JSON body as no body (the approval call)', async () => {
      const art = core.services.inventory.createArticle({
        codigo: 'VACIO-1',
        nombre: 'x',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      });
      const m = core.services.inventory.createMovement(
        { tipo: 'ENTRADA', articulo: art.id, cantidad: 1, origen: 'ui' },
        'ui:test',
      );
      const answer = await call(base, 'POST', `/api/external/movimientos/${m.id}/aprobar/`, {
        key: full,
        raw: '',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(answer.status, answer.text).toBe(200);
    });

    it('names unknown parameters and refuses ids that are not plain decimals', async () => {
      const unknown = await get('/api/external/stock/?almacen=A&color=rojo');
      expectProblem(unknown, 400);
      expect(unknown.body.errors).toEqual({ color: 'Parámetro desconocido' });
      const body = await post('/api/external/articulos/', {
        codigo: 'Z',
        nombre: 'z',
        color: 'rojo',
      });
      expect(body.body.errors).toEqual({ color: 'Campo desconocido' });
      for (const id of ['0x10', '1e3', '-1', '0', '01'])
        expectProblem(await get(`/api/external/articulos/${id}/`), 400);
    });

    it('answers 413 over 1 MB, 415 for a non-JSON type, 400 for broken JSON — and writes nothing', async () => {
      const count = () => core.db.prepare('SELECT count(*) FROM articles').pluck().get();
      const before = count();
      expectProblem(
        await post('/api/external/articulos/', { codigo: 'BIG', nombre: 'x'.repeat(1_100_000) }),
        413,
      );
      expectProblem(
        await call(base, 'POST', '/api/external/articulos/', {
          key: full,
          raw: 'codigo=A',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
        415,
      );
      expectProblem(
        await call(base, 'POST', '/api/external/articulos/', {
          key: full,
          raw: 'hola',
          headers: { 'Content-Type': 'text/plain' },
        }),
        415,
      );
      expectProblem(
        await call(base, 'POST', '/api/external/articulos/', {
          key: full,
          raw: '{"codigo":',
          headers: { 'Content-Type': 'application/json' },
        }),
        400,
        /JSON/,
      );
      expect(count()).toBe(before);
    });
  });

  describe('rate limits', () => {
    it('limits each key to its own hourly quota, with RateLimit headers and Retry-After on 429', async () => {
      const { clave } = newKey(['stock:read'], { limite_hora: 3 });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await get('/api/external/stock/', clave));
      expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => a.headers.get('ratelimit-policy'))).toEqual(
        Array(4).fill('"clave";q=3;w=3600'),
      );
      expect(
        answers.slice(0, 3).map((a) => a.headers.get('ratelimit')?.replace(/;t=\d+/, '')),
      ).toEqual(['"clave";r=2', '"clave";r=1', '"clave";r=0']);
      expectProblem(answers[3]!, 429, /límite de 3 peticiones para esta clave/);
      const retryAfter = Number(answers[3]!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3000);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      // Another key is not affected.
      expect((await get('/api/external/stock/', reader)).status).toBe(200);
    });
  });

  describe('Idempotency-Key', () => {
    const movements = () =>
      core.db.prepare('SELECT count(*) FROM movements').pluck().get() as number;
    let articulo: number;
    beforeAll(() => {
      articulo = core.services.inventory.createArticle({
        codigo: 'IDEM-1',
        nombre: 'Válvula',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      }).id;
    });

    it('replays the first response for a retry with the same body, without a second effect', async () => {
      const before = movements();
      const body = { tipo: 'ENTRADA', articulo, cantidad: 3 };
      const first = await post('/api/external/movimientos/', body, full, {
        'Idempotency-Key': 'pedido-42',
      });
      const retry = await post('/api/external/movimientos/', body, full, {
        'Idempotency-Key': 'pedido-42',
      });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(movements()).toBe(before + 1);
    });

    it('refuses the same key with a different body (422)', async () => {
      await post('/api/external/movimientos/', { tipo: 'ENTRADA', articulo, cantidad: 1 }, full, {
        'Idempotency-Key': 'pedido-43',
      });
      const before = movements();
      expectProblem(
        await post('/api/external/movimientos/', { tipo: 'ENTRADA', articulo, cantidad: 2 }, full, {
          'Idempotency-Key': 'pedido-43',
        }),
        422,
        /otra petición/,
      );
      expect(movements()).toBe(before);
    });

    it('answers 409 while the first request with the key is still in flight', async () => {
      // A first request that has claimed the key and not finished yet, as the claim leaves it.
      const body = { tipo: 'ENTRADA', articulo, cantidad: 3 };
      const keyId = core.db.prepare('SELECT id FROM api_keys ORDER BY id LIMIT 1').pluck().get();
      core.db
        .prepare(
          `INSERT INTO idempotency_records (api_key_id, clave, huella, estado, fecha_creacion, fecha_expiracion)
          VALUES (?, 'en-vuelo', ?, 'EN_CURSO', ?, ?)`,
        )
        .run(
          keyId,
          requestFingerprint('POST', '/api/external/movimientos/', body),
          clock.now().toISOString(),
          new Date(clock.now().getTime() + 3_600_000).toISOString(),
        );
      const before = movements();
      const inFlight = await post('/api/external/movimientos/', body, full, {
        'Idempotency-Key': 'en-vuelo',
      });
      expectProblem(inFlight, 409, /aún se está procesando/);
      expect(inFlight.headers.get('retry-after')).toBe('1');
      expect(movements()).toBe(before);
    });

    it('lets a claim abandoned by a crashed request be taken over after its lease', async () => {
      clock.advance(61_000);
      const answer = await post(
        '/api/external/movimientos/',
        { tipo: 'ENTRADA', articulo, cantidad: 3 },
        full,
        { 'Idempotency-Key': 'en-vuelo' },
      );
      expect(answer.status).toBe(201);
    });

    it('applies a burst of concurrent retries exactly once', async () => {
      const before = movements();
      const body = { tipo: 'ENTRADA', articulo, cantidad: 9 };
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          post('/api/external/movimientos/', body, full, { 'Idempotency-Key': 'rafaga-1' }),
        ),
      );
      expect(movements()).toBe(before + 1);
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
      expect(ids.size).toBe(1);
    });

    it('keeps keys apart per API key, expires them after 24 h, and validates the header', async () => {
      const other = newKey().clave;
      const before = movements();
      const body = { tipo: 'ENTRADA', articulo, cantidad: 4 };
      await post('/api/external/movimientos/', body, full, { 'Idempotency-Key': 'compartida' });
      await post('/api/external/movimientos/', body, other, { 'Idempotency-Key': 'compartida' });
      expect(movements()).toBe(before + 2);
      clock.advance(24 * 60 * 60 * 1000 + 1);
      await post('/api/external/movimientos/', body, full, { 'Idempotency-Key': 'compartida' });
      expect(movements()).toBe(before + 3);
      expectProblem(
        await post('/api/external/movimientos/', body, full, {
          'Idempotency-Key': 'x'.repeat(256),
        }),
        400,
        /idempotency-key/i,
      );
      expect(movements()).toBe(before + 3);
    });
  });

  describe('integration log', () => {
    it('writes every request with the key’s sistema, method, path, status and duration — never the key', async () => {
      const { clave } = newKey(['stock:read'], { sistema: 'Compras' });
      await get('/api/external/stock/?page_size=5', clave);
      await get('/api/external/articulos/', clave);
      core.services.log.flush();
      const entries = core.services.log.list({ sistema: 'Compras', page: 1, page_size: 10 }).items;
      expect(entries.map((e) => [e.tipo, e.estado])).toEqual([
        ['GET /api/external/articulos/', 'ERROR'],
        ['GET /api/external/stock/', 'OK'],
      ]);
      expect(entries[1]).toMatchObject({
        datos_enviados: { metodo: 'GET', ruta: '/api/external/stock/?page_size=5' },
        datos_recibidos: { status: 200 },
      });
      expect(entries[0]?.error).toMatch(/stock:read|articulos:read/);
      expect(entries[1]?.duracion_ms).toEqual(expect.any(Number));
      expect(JSON.stringify(entries)).not.toContain(clave);
    });
  });
});

describe('anonymous rate limit', () => {
  it('slows key guessing from one address with 429 and Retry-After', async () => {
    const core = await makeTestCore({ apiLimits: { anonymousMax: 5, anonymousWindowMs: 60_000 } });
    try {
      await core.start({ api: { host: '127.0.0.1', port: 0, required: true } });
      const base = `http://127.0.0.1:${core.apiStatus().port}`;
      const statuses = [];
      let last: Answer | undefined;
      for (let i = 0; i < 7; i++) {
        last = await call(base, 'GET', '/api/external/stock/', { key: generateApiKey().key });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(last!.headers.get('ratelimit-policy')).toBe('"anonimo";q=5;w=60');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expectProblem(last!, 429, /sin una clave válida/);
    } finally {
      await core.cleanup();
    }
  });
});

describe('API that cannot listen', () => {
  it('reports why in api/status and keeps the core running, or fails start when required', async () => {
    const first = await makeTestCore();
    const second = await makeTestCore();
    try {
      await first.start({ api: { host: '127.0.0.1', port: 0, required: true } });
      const port = first.apiStatus().port!;
      await second.start({ api: { host: '127.0.0.1', port } });
      expect(second.apiStatus()).toEqual({
        escuchando: false,
        host: '127.0.0.1',
        port: null,
        direcciones: [],
        error: `El puerto ${port} ya está en uso en 127.0.0.1: la API externa no está disponible. Elija otro puerto en Ajustes.`,
      });
      expect(await second.dispatch('api/status', {}, { actor: 't' })).toMatchObject({
        ok: true,
        result: { escuchando: false },
      });
      const third = await makeTestCore();
      await expect(
        third.start({ api: { host: '127.0.0.1', port, required: true } }),
      ).rejects.toThrow(/ya está en uso/);
      await third.cleanup();
    } finally {
      await second.cleanup();
      await first.cleanup();
    }
  });
});

describe('the full key never reaches the disk', () => {
  it('is absent from the database, its WAL, the settings and the log', async () => {
    const core = await makeTestCore();
    const { dataDir } = core;
    await core.start({ api: { host: '127.0.0.1', port: 0, required: true } });
    const base = `http://127.0.0.1:${core.apiStatus().port}`;
    const { clave } = core.services.keys.create({
      nombre: 'secreta',
      sistema: 'ERP',
      scopes: [...API_SCOPES],
      dias: 30,
      limite_hora: 1000,
    });
    await call(base, 'GET', '/api/external/stock/', { key: clave });
    await call(base, 'POST', '/api/external/articulos/', {
      key: clave,
      body: { codigo: 'S-1', nombre: 'x' },
      headers: { 'Idempotency-Key': 'k1' },
    });
    await call(base, 'GET', `/api/external/articulos/?texto=${clave}`, { key: clave });
    core.services.log.flush();
    core.services.settings.update({ language: 'en' });
    // Checked while the WAL still holds the recent pages, and again after closing.
    const scan = () => {
      for (const file of readdirSync(dataDir)) {
        const bytes = readFileSync(join(dataDir, file));
        expect(bytes.includes(Buffer.from(clave)), file).toBe(false);
        expect(bytes.includes(Buffer.from(clave.slice(8))), file).toBe(false);
      }
    };
    expect(readdirSync(dataDir)).toEqual(
      expect.arrayContaining(['gsih.db', 'gsih.db-wal', 'config.json']),
    );
    scan();
    await core.stop();
    scan();
    await core.cleanup();
  });
});

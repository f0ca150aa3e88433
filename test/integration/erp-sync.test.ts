import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY } from '../../src/main/erp/http';
import { PLAIN_PREFIX, type SecretBox } from '../../src/main/erp/secret-box';
import { silentLogger } from '../../src/main/logger';
import type { PushMessage } from '../../src/shared/contract';
import { contentDigest } from '../fixtures/digest';
import { makeErpSetup, UI, type ErpSetup } from '../fixtures/erp';
import { articleId } from '../fixtures/fake-erp';

// The ERP synchronizer against a real fake ERP on 127.0.0.1 (test/fixtures/fake-erp.ts) and a
// real core on a temp SQLite file. Waits between retries are recorded instead of slept.

const MIN = 60_000;
const HOUR = 60 * MIN;

let setups: ErpSetup[] = [];
async function setup(options: Parameters<typeof makeErpSetup>[0] = {}) {
  const s = await makeErpSetup(options);
  setups.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(setups.map((s) => s.cleanup()));
  setups = [];
});

const count = (s: ErpSetup, sql: string, ...params: unknown[]) => s.one<number>(sql, ...params);

describe('the connector configuration', () => {
  it('is saved without ever showing its secret again, and the secret never reaches the log', async () => {
    const s = await setup({
      config: { autenticacion: { tipo: 'bearer', token: 'secreto-bearer-123' } },
      erp: { auth: { kind: 'bearer', token: 'secreto-bearer-123' } },
    });
    s.erp.generateArticles(3);
    const view = s.service.getConfig()!;
    expect(view).toMatchObject({
      url: s.erp.url,
      perfil: 'rest',
      autenticacion: {
        tipo: 'bearer',
        credencial_guardada: true,
        proteccion: 'sin_cifrar',
      },
      rutas: { articulos: '/api/articulos', stock: '/api/stock', movimientos: '/api/movimientos' },
      cada_segundos: 3600,
      activo: true,
    });
    expect(JSON.stringify(view)).not.toContain('secreto-bearer-123');
    expect((await s.sync()).estado).toBe('COMPLETADA');
    expect(s.erp.requests[0]!.headers.authorization).toBe('Bearer secreto-bearer-123');

    // Basic and a header key too, and a run that fails on expired credentials.
    s.erp.auth = { kind: 'basic', user: 'sap_int', password: 'clave-basic-456' };
    s.service.configure({
      ...s.config,
      autenticacion: { tipo: 'basic', usuario: 'sap_int', clave: 'clave-basic-456' },
    });
    expect((await s.sync()).estado).toBe('COMPLETADA');
    s.erp.auth = { kind: 'header', name: 'X-API-Key', value: 'valor-cabecera-789' };
    s.service.configure({
      ...s.config,
      autenticacion: { tipo: 'cabecera', nombre: 'X-API-Key', valor: 'valor-cabecera-789' },
    });
    expect((await s.sync()).estado).toBe('COMPLETADA');
    s.erp.expireCredentials();
    expect((await s.sync()).estado).toBe('FALLIDA');

    const logged = JSON.stringify(s.logRows());
    expect(logged).toContain('"sistema":"ERP"');
    for (const secret of ['secreto-bearer-123', 'clave-basic-456', 'valor-cabecera-789']) {
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(s.service.getConfig())).not.toContain(secret);
      expect(JSON.stringify(s.service.listRuns({ page_size: 50 }))).not.toContain(secret);
    }
    expect(logged).not.toContain(Buffer.from('sap_int:clave-basic-456').toString('base64'));
  });

  it('keeps the saved secret when it is left out, but never sends it to another address', async () => {
    const s = await setup();
    s.erp.generateArticles(2);
    // The same ERP: the token is kept.
    s.service.configure({ ...s.config, autenticacion: { tipo: 'bearer' }, cada_segundos: 600 });
    expect(s.service.getConfig()!.cada_segundos).toBe(600);
    expect((await s.sync()).estado).toBe('COMPLETADA');
    expect(s.erp.requests.at(-1)!.headers.authorization).toBe('Bearer token-erp');
    // Another address: the saved token would go to a server it was not given for.
    expect(() =>
      s.service.configure({
        ...s.config,
        url: 'http://127.0.0.2:9/',
        autenticacion: { tipo: 'bearer' },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        details: {
          'autenticacion.token': 'Obligatorio: la dirección del ERP cambió, vuelva a darla',
        },
      }),
    );
    expect(s.service.getConfig()!.url).toBe(s.erp.url);
  });

  it('stores the secret as the secret box seals it (the desktop app encrypts it)', async () => {
    const sealed: string[] = [];
    const box: SecretBox = {
      protection: () => 'cifrada',
      seal: (plain) => {
        const text = `safestorage:${Buffer.from(plain).reverse().toString('base64')}`;
        sealed.push(text);
        return text;
      },
      open: (text) => Buffer.from(text.slice('safestorage:'.length), 'base64').reverse().toString(),
    };
    const s = await setup({
      core: { secretBox: box },
      config: { autenticacion: { tipo: 'bearer', token: 'token-erp' } },
    });
    s.erp.generateArticles(1);
    expect(s.one<string>('SELECT credencial FROM erp_config')).toBe(sealed[0]);
    expect(s.one<string>('SELECT credencial FROM erp_config')).not.toContain('token-erp');
    expect(s.service.getConfig()!.autenticacion.proteccion).toBe('cifrada');
    expect((await s.sync()).estado).toBe('COMPLETADA');
  });

  it('headless, keeps the secret as given, marked as such', async () => {
    const s = await setup();
    expect(s.one<string>('SELECT credencial FROM erp_config')).toBe(`${PLAIN_PREFIX}token-erp`);
  });

  it('refuses, field by field in Spanish, what cannot work', async () => {
    const s = await setup({ configure: false });
    const attempt = (patch: Record<string, unknown>) => {
      try {
        s.service.configure({ ...s.config, ...patch });
        return null;
      } catch (error) {
        return (error as { code: string; details?: Record<string, string> }).details ?? error;
      }
    };
    expect(attempt({ url: 'ftp://erp' })).toEqual({
      url: 'Debe ser una URL http:// o https:// completa',
    });
    expect(attempt({ url: 'http://usuario:clave@erp/' })).toEqual({
      url: 'Sin usuario ni clave en la dirección: use la autenticación Basic',
    });
    expect(attempt({ autenticacion: { tipo: 'bearer' } })).toEqual({
      'autenticacion.token': 'Obligatorio',
    });
    expect(attempt({ mapeo: { articulos: { codigo: null } } })).toEqual({
      'mapeo.articulos.codigo': 'Obligatorio',
    });
    expect(attempt({ cada_segundos: 5 })).toEqual({ cada_segundos: 'Al menos 60 segundos' });
    expect(
      attempt({ autenticacion: { tipo: 'cabecera', nombre: 'Idempotency-Key', valor: 'x' } }),
    ).toEqual({ 'autenticacion.nombre': 'Esa cabecera la pone GSIH' });
    expect(s.service.getConfig()).toBeNull();
    await expect(s.sync()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no está configurado/),
    });
  });
});

describe('the mapping preview', () => {
  it('maps the first records of a configuration not saved yet, and writes nothing', async () => {
    const s = await setup();
    s.erp.putArticles([
      {
        id: 'A1',
        codigo: 'T-1',
        nombre: 'Tubo',
        material: 'acero',
        diametro: 12,
        unidad: 'm',
        stock_minimo: 5,
      },
      { id: 'A2', codigo: 'T-2', nombre: undefined, unidad: 'm' },
      { id: 'A3', codigo: 'T-3', nombre: 'Codo' },
    ]);
    const before = contentDigest(s.databaseFile, ['integration_log']);
    const preview = await s.service.preview({
      configuracion: {
        ...s.config,
        autenticacion: { tipo: 'bearer' },
        mapeo: { articulos: { material: null } },
      },
      tipo: 'articulos',
      limite: 2,
    });
    expect(preview).toMatchObject({
      tipo: 'articulos',
      paginacion: 'siguiente',
      campos: expect.arrayContaining(['id', 'codigo', 'nombre', 'material', 'fecha_modificacion']),
      registros: [
        {
          original: expect.objectContaining({ id: 'A1', material: 'acero' }),
          mapeado: {
            referencia_externa: 'A1',
            codigo: 'T-1',
            nombre: 'Tubo',
            diametro: 12,
            unidad: 'm',
            stock_minimo: 5,
            modificado: expect.any(String),
          },
          error: null,
        },
        { mapeado: null, error: 'Falta «nombre» (campo del ERP «nombre»)' },
      ],
    });
    expect(preview.url).toMatch(/\/api\/articulos\?page=1&limit=2$/);
    expect(contentDigest(s.databaseFile, ['integration_log'])).toBe(before);
    expect(s.service.getConfig()!.mapeo.articulos.material).toBe('material');
  });

  it("previews an OData service's stock with Basic authentication", async () => {
    const s = await setup({
      erp: { auth: { kind: 'basic', user: 'sap_int', password: 'pw' } },
      configure: false,
    });
    s.erp.putStock([{ articulo: 'MAT-1', almacen: '0001', cantidad: 12.5 }]);
    const preview = await s.service.preview({
      configuracion: {
        url: s.erp.odataUrl,
        perfil: 'odata',
        autenticacion: { tipo: 'basic', usuario: 'sap_int', clave: 'pw' },
      },
      tipo: 'stock',
    });
    expect(preview).toMatchObject({
      paginacion: 'odata',
      campos: ['Product', 'StorageLocation', 'Quantity', 'LastChangeDateTime'],
      registros: [
        {
          original: { Product: 'MAT-1', StorageLocation: '0001', Quantity: '12.500' },
          mapeado: { articulo: 'MAT-1', almacen: '0001', cantidad: 12.5 },
          error: null,
        },
      ],
    });
    expect(s.service.getConfig()).toBeNull();
  });
});

describe('pulling articles and stock', () => {
  const variants = [
    { name: 'REST, next links in the body (DRF)', paging: 'next', odata: false },
    { name: 'REST, Link header', paging: 'link', odata: false },
    { name: 'REST, page numbers', paging: 'page', odata: false },
    { name: 'OData v4, $top/$skip windows and opaque nextLinks', paging: 'next', odata: true },
  ] as const;
  for (const variant of variants) {
    it(`reads every page: ${variant.name}`, async () => {
      const s = await setup({
        // The server gives at most 400 a page: OData continues each window of 1,000 with
        // nextLinks; REST clients must notice pages shorter than they asked for.
        erp: { restPaging: variant.paging, maxPageSize: 400 },
        configure: false,
      });
      s.service.configure({
        ...s.config,
        ...(variant.odata ? { url: s.erp.odataUrl, perfil: 'odata' } : {}),
      });
      s.erp.generateArticles(2500);
      s.erp.putStock([
        { articulo: articleId(1), almacen: 'PRINCIPAL', cantidad: 7 },
        { articulo: articleId(2), almacen: 'NAVE 2', cantidad: 0.5 },
      ]);
      const run = await s.sync();
      expect(run).toMatchObject({ estado: 'COMPLETADA', error: null });
      expect(run.detalle.articulos).toMatchObject({
        estado: 'COMPLETADA',
        leidos: 2500,
        creados: 2500,
        fallidos: 0,
        paginacion: variant.odata
          ? 'odata'
          : { next: 'siguiente', link: 'enlace', page: 'pagina' }[variant.paging],
      });
      expect(run.detalle.stock).toMatchObject({ leidos: 2, creados: 2 });
      expect(count(s, 'SELECT count(*) FROM articles')).toBe(2500);
      expect(count(s, 'SELECT count(DISTINCT referencia_externa) FROM articles')).toBe(2500);
      expect(
        s.all(
          'SELECT a.referencia_externa AS ref, s.almacen, s.cantidad FROM stock_levels s JOIN articles a ON a.id = s.articulo_id ORDER BY 1',
        ),
      ).toEqual([
        { ref: articleId(1), almacen: 'PRINCIPAL', cantidad: 7 },
        { ref: articleId(2), almacen: 'NAVE 2', cantidad: 0.5 },
      ]);
      expect(
        s.all(`SELECT tipo, estado, count(*) AS n FROM erp_sync_records GROUP BY 1, 2 ORDER BY 1`),
      ).toEqual([
        { tipo: 'articulo', estado: 'SINCRONIZADO', n: 2500 },
        { tipo: 'stock', estado: 'SINCRONIZADO', n: 2 },
      ]);
      const pages = s.erp.pageRequests('articulos');
      if (variant.odata) {
        expect(pages.map((r) => (r.query.$skiptoken ? 'token' : `skip ${r.query.$skip}`))).toEqual([
          'skip 0',
          'token',
          'token',
          'skip 1000',
          'token',
          'token',
          'skip 2000',
          'token',
        ]);
        expect(pages[0]!.query).toMatchObject({ $top: '1000', $orderby: 'Product' });
      } else {
        expect(pages.every((r) => r.status === 200 || r.status === 404)).toBe(true);
        expect(new Set(pages.map((r) => r.query.page)).size).toBe(pages.length);
      }
    });
  }

  it('reads only what changed since the watermark (with the overlap), and updates the article', async () => {
    const s = await setup();
    const t0 = s.erp.now;
    s.erp.generateArticles(1500);
    const first = await s.sync({ tipo: 'articulos' });
    expect(first.detalle.articulos).toMatchObject({ creados: 1500, marca_desde: null });
    const mark = s.service.status().marcas.articulos!;
    // The ERP's clock when the pull began, to the second (its Date header).
    expect(mark).toBe(new Date(Math.floor(t0 / 1000) * 1000).toISOString());

    // A run changes nothing when nothing changed (the overlap reads the last records again).
    const again = await s.sync({ tipo: 'articulos' });
    expect(again.detalle.articulos).toMatchObject({ creados: 0, actualizados: 0, fallidos: 0 });

    s.erp.now = t0 + 2 * HOUR;
    s.erp.modifyArticle(articleId(1200), { nombre: 'Tubo renombrado', stock_minimo: 9 });
    s.erp.now = t0 + 3 * HOUR;
    await s.sync({ tipo: 'articulos' }); // moves the watermark past the old records
    s.erp.now = t0 + 4 * HOUR;
    s.erp.modifyArticle(articleId(7), { diametro: 99 });
    const incremental = await s.sync({ tipo: 'articulos' });
    // The watermark is the newest record of the last pull (A001200 at t0 + 2 h): less the
    // overlap of 5 min, that record is read again (unchanged) with the new one.
    expect(incremental.detalle.articulos).toMatchObject({
      leidos: 2,
      actualizados: 1,
      sin_cambios: 1,
      creados: 0,
    });
    const request = s.erp.pageRequests('articulos').at(-1)!;
    expect(request.query.modificado_desde).toBe(new Date(t0 + 2 * HOUR - 5 * MIN).toISOString());
    expect(s.one('SELECT nombre FROM articles WHERE referencia_externa = ?', articleId(1200))).toBe(
      'Tubo renombrado',
    );
    expect(s.one('SELECT diametro FROM articles WHERE referencia_externa = ?', articleId(7))).toBe(
      99,
    );
    expect(count(s, 'SELECT count(*) FROM articles')).toBe(1500);
  });

  it('after pulling thousands of articles with no stock, the stock page reads the empty stock table', async () => {
    const s = await setup();
    s.erp.generateArticles(5000);
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos).toMatchObject({ creados: 5000 });
    // With no statistics SQLite planned the stock page (inventory service) as a walk over every
    // article by code, probing for stock: slower with each article pulled.
    const plan = s.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT s.articulo_id, a.codigo FROM stock_levels s
       JOIN articles a ON a.id = s.articulo_id ORDER BY a.codigo, s.almacen LIMIT 50`,
    );
    expect(plan[0]?.detail).toMatch(/^SCAN s\b/);
    expect(s.all(`SELECT stat FROM sqlite_stat1 WHERE tbl = 'stock_levels'`)).toEqual([
      { stat: '0' },
    ]);
  });

  it('turns ERP stock into approved AJUSTE movements: history, alerts and their events', async () => {
    const s = await setup();
    s.erp.putArticles([{ id: 'P1', codigo: 'P-1', nombre: 'Perno', stock_minimo: 10 }]);
    s.erp.putStock([{ articulo: 'P1', almacen: 'PRINCIPAL', cantidad: 25 }]);
    await s.sync();
    s.erp.now += HOUR;
    s.erp.putStock([{ articulo: 'P1', almacen: 'PRINCIPAL', cantidad: 4 }]);
    const run = await s.sync();
    expect(run.detalle.stock).toMatchObject({ leidos: 1, actualizados: 1 });
    expect(
      s.all(
        `SELECT tipo, cantidad, estado, origen, aprobado_por, stock_anterior, stock_resultante, referencia FROM movements ORDER BY id`,
      ),
    ).toEqual([
      {
        tipo: 'AJUSTE',
        cantidad: 25,
        estado: 'APROBADO',
        origen: 'erp',
        aprobado_por: 'erp',
        stock_anterior: 0,
        stock_resultante: 25,
        referencia: 'ERP P1@PRINCIPAL',
      },
      {
        tipo: 'AJUSTE',
        cantidad: 4,
        estado: 'APROBADO',
        origen: 'erp',
        aprobado_por: 'erp',
        stock_anterior: 25,
        stock_resultante: 4,
        referencia: 'ERP P1@PRINCIPAL',
      },
    ]);
    expect(s.all(`SELECT estado, cantidad_actual FROM stock_alerts`)).toEqual([
      { estado: 'ABIERTA', cantidad_actual: 4 },
    ]);
    expect(
      s.all(`SELECT evento FROM events ORDER BY seq`).map((e) => (e as { evento: string }).evento),
    ).toEqual([
      'movimiento_creado',
      'movimiento_aprobado',
      'movimiento_creado',
      'movimiento_aprobado',
      'stock_bajo',
      'alerta_generada',
    ]);
    // What came from the ERP is not pushed back to it.
    expect(run.detalle.movimientos).toMatchObject({ leidos: 0, enviados: 0 });
    expect(s.erp.movements).toEqual([]);
    // A minimum raised by the ERP re-evaluates alerts like one changed in the app.
    s.erp.now += HOUR;
    s.erp.modifyArticle('P1', { stock_minimo: 3 });
    await s.sync({ tipo: 'articulos' });
    expect(s.all(`SELECT estado FROM stock_alerts`)).toEqual([{ estado: 'RESUELTA' }]);
  });

  it('never skips a record modified while the run reads', async () => {
    // Offset pages in key order: a record changed after its page was read is not read again in
    // the same run; the next run must still find it, even though records read later in the run
    // carry newer modification times than that change.
    const s = await setup({ config: { tamano_pagina: 100 } });
    const t0 = s.erp.now;
    s.erp.generateArticles(500);
    s.erp.afterPage = (entity, page) => {
      if (entity !== 'articulos') return;
      if (page === 1) {
        s.erp.now = t0 + 1 * HOUR;
        s.erp.modifyArticle(articleId(50), { nombre: 'Cambiado a mitad' }); // page 1: already read
      }
      if (page === 2) {
        s.erp.now = t0 + 2 * HOUR;
        s.erp.modifyArticle(articleId(450), { nombre: 'Leído en esta ejecución' }); // page 5: not yet
      }
    };
    const run = await s.sync({ tipo: 'articulos' });
    s.erp.afterPage = null;
    expect(run.detalle.articulos).toMatchObject({ creados: 500 });
    expect(s.one('SELECT nombre FROM articles WHERE referencia_externa = ?', articleId(450))).toBe(
      'Leído en esta ejecución',
    );
    expect(
      s.one('SELECT nombre FROM articles WHERE referencia_externa = ?', articleId(50)),
    ).not.toBe('Cambiado a mitad');
    // The newest record read is from t0 + 2 h, but the watermark stops at the ERP's clock when
    // the pull began: the change at t0 + 1 h is after it.
    expect(Date.parse(s.service.status().marcas.articulos!)).toBeLessThanOrEqual(t0);

    s.erp.now = t0 + 3 * HOUR;
    const next = await s.sync({ tipo: 'articulos' });
    expect(next.detalle.articulos).toMatchObject({ actualizados: 1, creados: 0 });
    expect(s.one('SELECT nombre FROM articles WHERE referencia_externa = ?', articleId(50))).toBe(
      'Cambiado a mitad',
    );
  });

  it('makes one bad record an ERROR row of the ledger, not a failed run, and heals it later', async () => {
    const s = await setup();
    s.erp.putArticles([
      { id: 'OK1', codigo: 'C-1', nombre: 'Bueno' },
      { id: 'MAL', codigo: 'C-2', nombre: undefined },
      { id: 'OK2', codigo: 'C-3', nombre: 'Bueno 2', stock_minimo: -3 },
    ]);
    // Stock of an article the ERP has not sent yet.
    s.erp.putStock([{ articulo: 'NUEVO', almacen: 'PRINCIPAL', cantidad: 8 }]);
    const run = await s.sync();
    expect(run.estado).toBe('COMPLETADA');
    expect(run.detalle.articulos).toMatchObject({ leidos: 3, creados: 1, fallidos: 2 });
    expect(run.detalle.stock).toMatchObject({ leidos: 1, fallidos: 1 });
    const errors = s.service.listLedger({ estado: 'ERROR' }).items;
    expect(errors.map((e) => [e.tipo, e.referencia_externa, e.error])).toEqual([
      [
        'stock',
        'NUEVO@PRINCIPAL',
        expect.stringMatching(/ningún artículo con la referencia del ERP «NUEVO»/),
      ],
      ['articulo', 'OK2', '«stock mínimo» (stock_minimo) es negativo: -3'],
      ['articulo', 'MAL', 'Falta «nombre» (campo del ERP «nombre»)'],
    ]);
    expect(errors[2]!.datos).toEqual({
      id: 'MAL',
      codigo: 'C-2',
      fecha_modificacion: expect.any(String),
    });
    expect(s.service.status().registros).toEqual({ PENDIENTE: 0, SINCRONIZADO: 1, ERROR: 3 });

    // The ERP fixes one record and sends the missing article; the stock record itself does not
    // change in the ERP, and is applied from the ledger once its article exists.
    s.erp.now += HOUR;
    s.erp.modifyArticle('MAL', { nombre: 'Arreglado' });
    s.erp.putArticles([{ id: 'NUEVO', codigo: 'C-9', nombre: 'Llegó después' }]);
    const healed = await s.sync();
    expect(healed.detalle.articulos).toMatchObject({ creados: 2 });
    expect(healed.detalle.stock).toMatchObject({ creados: 1 });
    expect(
      s.service.listLedger({ estado: 'ERROR' }).items.map((e) => e.referencia_externa),
    ).toEqual(['OK2']);
    expect(
      s.one(
        `SELECT s.cantidad FROM stock_levels s JOIN articles a ON a.id = s.articulo_id WHERE a.referencia_externa = 'NUEVO'`,
      ),
    ).toBe(8);
  });

  it('adopts a local article with the same code and no reference; two ERP articles cannot share one', async () => {
    const s = await setup();
    const local = s.core.services.inventory.createArticle({
      codigo: 'T-1',
      nombre: 'Creado a mano',
      material: null,
      diametro: null,
      unidad: 'unidad',
      stock_minimo: 0,
      referencia_externa: null,
    });
    s.erp.putArticles([
      { id: 'E1', codigo: 'T-1', nombre: 'Del ERP' },
      { id: 'E2', codigo: 'T-1', nombre: 'Otro con el mismo código' },
    ]);
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos).toMatchObject({ actualizados: 1, fallidos: 1 });
    expect(s.all('SELECT id, nombre, referencia_externa FROM articles')).toEqual([
      { id: local.id, nombre: 'Del ERP', referencia_externa: 'E1' },
    ]);
    expect(s.service.listLedger({ estado: 'ERROR' }).items[0]).toMatchObject({
      referencia_externa: 'E2',
      error:
        'El código T-1 ya es del artículo con referencia del ERP «E1»: dos artículos del ERP no pueden compartir código en GSIH.',
    });
  });
});

describe('when the ERP fails', () => {
  it('asks again for a page that fails once, and loses nothing', async () => {
    const s = await setup();
    s.erp.generateArticles(3000);
    s.erp.fail({ entity: 'articulos', page: 2 }, { kind: 'status', status: 500 });
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos).toMatchObject({
      estado: 'COMPLETADA',
      creados: 3000,
      paginas: 3,
    });
    expect(s.sleeps).toEqual([backoffDelay(1, DEFAULT_RETRY, () => 0.5)]);
    expect(s.erp.pageRequests('articulos').map((r) => [r.page, r.status])).toEqual([
      [1, 200],
      [2, 500],
      [2, 200],
      [3, 200],
    ]);
  });

  it('backs off exponentially, with jitter, on network errors and 5xx', async () => {
    const s = await setup();
    s.erp.generateArticles(10);
    s.erp.fail(
      { entity: 'articulos', page: 1 },
      { kind: 'reset' },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
    );
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos).toMatchObject({ estado: 'COMPLETADA', creados: 10 });
    // random() = 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(s.sleeps).toEqual([750, 1500, 3000]);
  });

  it('waits what a 429 asks in Retry-After', async () => {
    const s = await setup();
    s.erp.generateArticles(10);
    s.erp.fail(
      { entity: 'articulos', page: 1 },
      { kind: 'status', status: 429, headers: { 'retry-after': '7' } },
    );
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos).toMatchObject({ estado: 'COMPLETADA', creados: 10 });
    expect(s.sleeps).toEqual([7000]);
  });

  it('gives up on a Retry-After longer than a run waits, until the next run', async () => {
    const s = await setup();
    s.erp.generateArticles(10);
    s.erp.fail(
      { entity: 'articulos', page: 1 },
      { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
    );
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos!.error).toBe(
      'La página 1 de artículos: el ERP limita las peticiones (429) y pide esperar 3600 s (Retry-After), más de lo que espera una sincronización; se reintentará en la próxima.',
    );
    expect(s.sleeps).toEqual([]);
  });

  it('fails the entity of a page that keeps failing, keeps the pages before, and leaves the watermark', async () => {
    const s = await setup();
    s.erp.generateArticles(2500);
    s.erp.putStock([{ articulo: articleId(1), almacen: 'PRINCIPAL', cantidad: 1 }]);
    const five = Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 500 }));
    s.erp.fail({ entity: 'articulos', page: 2 }, ...five);
    const run = await s.sync();
    expect(run.estado).toBe('FALLIDA');
    expect(run.error).toBe(
      'Artículos: La página 2 de artículos: el ERP respondió 500: Error 500, en 5 intentos.',
    );
    expect(run.detalle.articulos).toMatchObject({ estado: 'FALLIDA', creados: 1000, paginas: 1 });
    // The rest of the run still goes on.
    expect(run.detalle.stock).toMatchObject({ estado: 'COMPLETADA', creados: 1 });
    expect(run.detalle.movimientos).toMatchObject({ estado: 'COMPLETADA' });
    expect(s.service.status().marcas).toEqual({ articulos: null, stock: expect.any(String) });
    expect(s.sleeps).toHaveLength(4);

    const again = await s.sync();
    expect(again.estado).toBe('COMPLETADA');
    expect(again.detalle.articulos).toMatchObject({ creados: 1500, sin_cambios: 1000 });
    expect(count(s, 'SELECT count(*) FROM articles')).toBe(2500);
    expect(s.service.status().marcas.articulos).not.toBeNull();
  });

  it('stops the whole run on a 401, without retrying, with a clear message', async () => {
    const s = await setup();
    s.erp.generateArticles(10);
    s.erp.expireCredentials();
    const run = await s.sync();
    expect(run).toMatchObject({
      estado: 'FALLIDA',
      detalle: {
        articulos: { estado: 'FALLIDA' },
        stock: { estado: 'OMITIDA' },
        movimientos: { estado: 'OMITIDA' },
      },
    });
    expect(run.error).toBe(
      'Artículos: El ERP rechazó las credenciales (401) al pedir la página 1 de artículos: no son válidas o han caducado. Actualícelas en la página ERP (o con «gsih erp configurar») y vuelva a sincronizar. El ERP dice: Credenciales caducadas o no válidas.',
    );
    expect(s.erp.requests).toHaveLength(1);
    expect(s.sleeps).toEqual([]);
  });

  it('stops the whole run on a 403', async () => {
    const s = await setup();
    s.erp.forbid();
    const run = await s.sync();
    expect(run.detalle.articulos!.error).toMatch(
      /^El ERP denegó el acceso \(403\) a la página 1 de artículos: el usuario de la integración no tiene permiso/,
    );
    expect(run.detalle.stock!.estado).toBe('OMITIDA');
  });

  it('asks again for an answer that is not valid JSON, and says so if it stays that way', async () => {
    const s = await setup();
    s.erp.generateArticles(10);
    s.erp.fail({ entity: 'articulos', page: 1 }, { kind: 'malformed' });
    expect((await s.sync({ tipo: 'articulos' })).detalle.articulos).toMatchObject({
      estado: 'COMPLETADA',
      creados: 10,
    });
    s.erp.fail(
      { entity: 'articulos', page: 1 },
      ...Array.from({ length: 5 }, () => ({ kind: 'malformed' as const })),
    );
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos!.error).toMatch(
      /^La página 1 de artículos: el ERP devolvió algo que no es JSON válido \(.+\), en 5 intentos\.$/,
    );
  });

  it('gives up on an ERP that does not answer, after its timeout', async () => {
    const s = await setup({ config: { timeout_ms: 200 } });
    s.erp.fail(
      { entity: 'articulos', page: 1 },
      ...Array.from({ length: 5 }, () => ({ kind: 'hang' as const })),
    );
    const started = performance.now();
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos!.error).toBe(
      'La página 1 de artículos: el ERP no respondió en 0,2 s, en 5 intentos.',
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('says so when the ERP cannot be reached', async () => {
    const s = await setup();
    await s.erp.close();
    const run = await s.sync({ tipo: 'articulos' });
    expect(run.detalle.articulos!.error).toMatch(
      /^La página 1 de artículos: no se pudo conectar con el ERP \(conexión rechazada: ¿está en marcha y en esa dirección\?\), en 5 intentos\.$/,
    );
  });
});

describe('a dry run', () => {
  it('says what a pull would change and writes nothing, sends nothing', async () => {
    const s = await setup();
    s.erp.putArticles([
      { id: 'E1', codigo: 'T-1', nombre: 'Tubo' },
      { id: 'E2', codigo: 'T-2', nombre: 'Codo' },
    ]);
    await s.sync();
    s.erp.now += HOUR;
    s.erp.modifyArticle('E2', { nombre: 'Codo 90' });
    s.erp.putArticles([
      { id: 'E3', codigo: 'T-3', nombre: 'Brida' },
      { id: 'E4', codigo: 'T-4' },
    ]);
    // Stock of an article the same dry run would create is found.
    s.erp.putStock([{ articulo: 'E3', almacen: 'PRINCIPAL', cantidad: 5 }]);
    const movement = s.core.services.inventory.createMovement(
      { tipo: 'ENTRADA', articulo: 1, cantidad: 2, origen: 'ui' },
      'ui:ana',
    );
    s.core.services.inventory.approveMovement(movement.id, 'ui:ana');
    const posts = s.erp.movements.length;
    const runs = count(s, 'SELECT count(*) FROM erp_sync_runs');
    const before = contentDigest(s.databaseFile, ['integration_log']);

    const dry = await s.service.syncNow({ simulacion: true }, UI);
    expect(dry).toMatchObject({
      id: null,
      simulacion: true,
      estado: 'COMPLETADA',
      detalle: {
        articulos: { creados: 1, actualizados: 1, fallidos: 1 },
        stock: { creados: 1 },
        movimientos: { leidos: 1, enviados: 0 },
      },
    });
    expect(dry.cambios).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tipo: 'articulo',
          referencia_externa: 'E2',
          accion: 'actualizar',
          cambios: { nombre: { antes: 'Codo', despues: 'Codo 90' } },
        }),
        expect.objectContaining({ referencia_externa: 'E3', accion: 'crear' }),
        expect.objectContaining({ referencia_externa: 'E4', accion: 'error' }),
        expect.objectContaining({
          tipo: 'stock',
          referencia_externa: 'E3@PRINCIPAL',
          accion: 'crear',
          cambios: { cantidad: { antes: null, despues: 5 } },
        }),
      ]),
    );
    expect(contentDigest(s.databaseFile, ['integration_log'])).toBe(before);
    expect(count(s, 'SELECT count(*) FROM erp_sync_runs')).toBe(runs);
    expect(s.erp.movements).toHaveLength(posts);
    expect(s.erp.requests.filter((r) => r.method === 'POST')).toHaveLength(posts);
    // Its requests and its outcome are in the integration log, marked as such.
    const logged = s.logRows().filter((r) => r.sistema === 'ERP');
    expect(logged.at(-1)).toMatchObject({ tipo: 'simulación completa', estado: 'INFO' });
    expect(logged.some((r) => r.datos_enviados?.includes('"simulacion":true'))).toBe(true);
  });
});

describe('runs', () => {
  it('never runs two at once: a second is refused while one goes on, and a run can be cancelled', async () => {
    const s = await setup({ config: { timeout_ms: 60_000 } });
    s.erp.generateArticles(10);
    s.erp.fail({ entity: 'articulos', page: 1 }, { kind: 'hang' });
    const first = s.service.startSync({}, UI);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(() => s.service.startSync({}, { origen: 'cli', usuario: 'cli:x' })).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: expect.stringMatching(
          /^Ya hay una sincronización con el ERP en curso en este directorio de datos \(desde las \d\d:\d\d, este mismo proceso\)/,
        ),
      }),
    );
    expect(() => s.service.retry({}, UI)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(s.service.status().en_curso).toMatchObject({
      id: first.id,
      tipo: 'completa',
      origen: 'ui',
      pid: process.pid,
      propia: true,
      progreso: { entidad: 'articulos', paginas: 0, registros: 0 },
    });
    expect(s.service.cancel()).toBe(true);
    const run = await first.done;
    expect(run).toMatchObject({
      estado: 'CANCELADA',
      detalle: { articulos: { estado: 'CANCELADA' }, stock: { estado: 'OMITIDA' } },
    });
    expect(s.service.status().en_curso).toBeNull();
    // A dry run takes no lock and may run beside nothing else.
    expect((await s.sync({ tipo: 'articulos' })).estado).toBe('COMPLETADA');
  });

  it('closes as FALLIDA a run whose process died, from the lock it left', async () => {
    const s = await setup();
    s.erp.generateArticles(3);
    s.core.db
      .prepare(
        `INSERT INTO erp_sync_runs (tipo, origen, usuario, estado, fecha_inicio) VALUES ('completa', 'cli', 'cli:x', 'EN_CURSO', '2026-11-27T09:00:00.000Z')`,
      )
      .run();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(s.core.dataDir, 'erp'), { recursive: true });
    writeFileSync(
      join(s.core.dataDir, 'erp', 'sincronizacion.lock'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        ejecucion: 1,
        tipo: 'completa',
        origen: 'cli',
        inicio: '2026-11-27T09:00:00.000Z',
      }),
    );
    expect(s.service.status().en_curso).toBeNull();
    const run = await s.sync();
    expect(run).toMatchObject({ id: 2, estado: 'COMPLETADA' });
    expect(s.service.getRun(1)).toMatchObject({
      estado: 'FALLIDA',
      error: expect.stringMatching(
        /^Interrumpida: el proceso que la ejecutaba terminó antes de acabar/,
      ),
    });
  });

  it('lists runs and ledger rows by state, tells the status, and logs every request and run', async () => {
    const s = await setup({ config: { tamano_pagina: 2, cada_segundos: 600 } });
    s.erp.putArticles([
      { id: 'E1', codigo: 'T-1', nombre: 'Uno' },
      { id: 'E2', codigo: 'T-2' },
      { id: 'E3', codigo: 'T-3', nombre: 'Tres' },
    ]);
    const messages: PushMessage[] = [];
    const unsubscribe = s.core.subscribe((m) => messages.push(m));
    const run = await s.sync();
    unsubscribe();
    expect(s.service.listRuns({})).toMatchObject({ total: 1, items: [{ id: run.id }] });
    expect(s.service.listRuns({ estado: 'FALLIDA' }).total).toBe(0);
    expect(
      s.service.listLedger({ estado: 'SINCRONIZADO' }).items.map((e) => e.referencia_externa),
    ).toEqual(['E3', 'E1']);
    expect(s.service.listLedger({ estado: 'ERROR', tipo: 'articulo' }).total).toBe(1);
    expect(s.service.listLedger({ texto: 'E3' }).items).toHaveLength(1);
    expect(s.service.listLedger({ ejecucion: run.id! }).total).toBe(3);
    const status = s.service.status();
    expect(status).toMatchObject({
      configurado: true,
      activo: true,
      cada_segundos: 600,
      ultima: { id: run.id, estado: 'COMPLETADA' },
      en_curso: null,
      registros: { SINCRONIZADO: 2, ERROR: 1, PENDIENTE: 0 },
    });
    expect(Date.parse(status.proxima!) - Date.parse(run.fecha_inicio)).toBe(600_000);
    expect(s.service.runStats()).toEqual({
      total: 1,
      completadas: 1,
      fallidas: 0,
      canceladas: 0,
      tasa_exito: 1,
      ultima_fecha: run.fecha_inicio,
    });
    expect(s.service.runStats({ desde: new Date(Date.now() + HOUR).toISOString() })).toMatchObject({
      total: 0,
      tasa_exito: null,
    });

    const logged = s.logRows().filter((r) => r.sistema === 'ERP');
    const requests = logged.filter((r) => r.tipo.startsWith('GET '));
    expect(requests.map((r) => r.tipo)).toEqual([
      'GET /api/articulos',
      'GET /api/articulos',
      'GET /api/stock',
    ]);
    expect(JSON.parse(requests[0]!.datos_recibidos!)).toEqual({ status: 200, registros: 2 });
    expect(logged.at(-1)).toMatchObject({ tipo: 'sincronización completa', estado: 'OK' });
    expect(JSON.parse(logged.at(-1)!.datos_recibidos!)).toMatchObject({ creados: 2, fallidos: 1 });

    const erpEvents = messages.filter((m) => m.event === 'erp/changed').map((m) => m.payload);
    expect(erpEvents[0]).toEqual({ ejecucion: run.id, estado: 'EN_CURSO' });
    expect(erpEvents.at(-1)).toEqual({ ejecucion: run.id, estado: 'COMPLETADA' });
    expect(messages).toContainEqual({
      event: 'inventory/changed',
      payload: { entidad: 'articulos' },
    });
  });
});

describe('the schedule, in the core', () => {
  it('runs an overdue sync when the core starts, then every N seconds, by the injected clock', async () => {
    const { manualClock } = await import('../fixtures/core');
    const { manualTimers } = await import('../fixtures/manual-timers');
    const clock = manualClock('2026-11-28T08:00:00.000Z');
    const time = manualTimers(clock);
    const s = await setup({
      core: { clock, logger: silentLogger, erpTuning: { timers: time.timers } },
      config: { cada_segundos: 600 },
    });
    s.erp.generateArticles(5);
    await s.core.start({ api: false, webhooks: false });
    const waitForRuns = async (n: number) => {
      for (
        let i = 0;
        i < 200 && count(s, `SELECT count(*) FROM erp_sync_runs WHERE estado != 'EN_CURSO'`) < n;
        i++
      )
        await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await waitForRuns(1);
    expect(s.all(`SELECT id, origen, usuario, estado, fecha_inicio FROM erp_sync_runs`)).toEqual([
      {
        id: 1,
        origen: 'programada',
        usuario: 'programada',
        estado: 'COMPLETADA',
        fecha_inicio: '2026-11-28T08:00:00.000Z',
      },
    ]);
    expect(s.service.status().proxima).toBe('2026-11-28T08:10:00.000Z');
    await time.advance(599_000);
    expect(count(s, 'SELECT count(*) FROM erp_sync_runs')).toBe(1);
    await time.advance(1_000);
    await waitForRuns(2);
    expect(s.one('SELECT fecha_inicio FROM erp_sync_runs WHERE id = 2')).toBe(
      '2026-11-28T08:10:00.000Z',
    );
    // A sync on demand resets the interval.
    await time.advance(300_000);
    await s.sync();
    expect(s.service.status().proxima).toBe('2026-11-28T08:25:00.000Z');
  });
});

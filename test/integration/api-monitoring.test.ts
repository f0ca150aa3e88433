import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../src/shared/domain';
import type { IntegrationReport } from '../../src/shared/monitoring';
import { manualClock } from '../fixtures/core';
import { makeErpSetup, type ErpSetup } from '../fixtures/erp';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

// GET /api/reportes/integraciones/ over a real loopback socket, with real ERP runs against the
// fake ERP, real webhook deliveries to a real receiver, and real API calls written to the
// integration log by the API itself. The clock is moved by hand so every figure is exact.

const T0 = '2026-11-27T10:00:00.000Z';
const HOUR = 3_600_000;
const ROUTE = '/api/reportes/integraciones/';

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes
}

describe('GET /api/reportes/integraciones/', () => {
  const clock = manualClock(T0);
  let setup: ErpSetup;
  let receiver: WebhookReceiver;
  let base: string;
  let reports: string; // sistema "Informes", reportes:read only
  let erpKey: string; // sistema "ERP", every scope
  let compras: string; // sistema "Compras", without reportes:read

  const newKey = (sistema: string, scopes: ApiScope[]) =>
    setup.core.services.keys.create({
      nombre: `clave ${sistema}`,
      sistema,
      scopes,
      dias: null,
      limite_hora: 100_000,
    }).clave;

  async function get(path: string, key: string | null = reports): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      headers: key ? { Authorization: `ApiKey ${key}` } : {},
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  }

  const report = async (query = ''): Promise<IntegrationReport> => {
    const answer = await get(`${ROUTE}${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as IntegrationReport;
  };

  beforeAll(async () => {
    setup = await makeErpSetup({ configure: false, core: { clock } });
    await setup.core.start({
      api: { host: '127.0.0.1', port: 0, required: true },
      webhooks: false,
      erp: false,
    });
    base = `http://127.0.0.1:${setup.core.apiStatus().port}`;
    receiver = await startWebhookReceiver();
    reports = newKey('Informes', ['reportes:read']);
    erpKey = newKey('ERP', [...API_SCOPES]);
    compras = newKey('Compras', ['articulos:read']);
  });

  afterAll(async () => {
    await setup?.cleanup();
    await receiver?.close();
  });

  it('answers an empty installation with zeros, and nulls where there is nothing to tell', async () => {
    const body = await report();
    expect(body).toEqual({
      desde: null,
      hasta: null,
      total_sincronizaciones: 0,
      exitosas: 0,
      fallidas: 0,
      canceladas: 0,
      tasa_exito: null,
      ultima_sincronizacion: null,
      proxima_sincronizacion: null,
      erp: {
        configurado: false,
        activo: false,
        cada_segundos: null,
        en_curso: false,
        ultima: null,
      },
      webhooks: {
        entregadas: 0,
        fallidas: 0,
        intentos_fallidos: 0,
        pendientes: 0,
        tasa_exito: null,
      },
      llamadas_api: { total: 0, exitosas: 0, errores: 0, por_sistema: [] },
    });
  });

  it('counts ERP runs as the seed does: total, successful, failed, rate, last and next', async () => {
    setup.erp.putArticles([
      { id: 'E-1', codigo: 'TUB-1', nombre: 'Tubo 1', unidad: 'm', stock_minimo: 1 },
      { id: 'E-2', codigo: 'TUB-2', nombre: 'Tubo 2', unidad: 'm', stock_minimo: 1 },
    ]);
    setup.service.configure(setup.config);
    const ok = await setup.sync();
    expect(ok.estado).toBe('COMPLETADA');

    clock.advance(HOUR);
    setup.erp.expireCredentials();
    const failed = await setup.sync();
    expect(failed.estado).toBe('FALLIDA');
    setup.erp.restoreAccess();

    const body = await report();
    expect(body).toMatchObject({
      total_sincronizaciones: 2,
      exitosas: 1,
      fallidas: 1,
      canceladas: 0,
      tasa_exito: 50,
      ultima_sincronizacion: failed.fecha_fin,
      // The schedule counts from the start of the last full run, whatever its outcome.
      proxima_sincronizacion: new Date(Date.parse(failed.fecha_inicio) + HOUR).toISOString(),
      erp: {
        configurado: true,
        activo: true,
        cada_segundos: 3600,
        en_curso: false,
        ultima: {
          id: failed.id,
          tipo: 'completa',
          estado: 'FALLIDA',
          fecha_inicio: failed.fecha_inicio,
          fecha_fin: failed.fecha_fin,
          error: failed.error,
        },
      },
    });
    expect(body.erp.ultima?.error).toMatch(/credenciales|401/i);
    // The ERP's own requests are in the log as sistema ERP, but they are not calls to our API.
    expect(
      setup.logRows().some((r) => r.sistema === 'ERP' && r.tipo === 'GET /api/articulos'),
    ).toBe(true);
    expect(body.llamadas_api.total).toBe(1); // the previous call to this very endpoint
  });

  it('counts webhook deliveries: delivered, failed attempts, given up and waiting', async () => {
    const { webhooks, inventory } = setup.core.services;
    const hook = webhooks.create({
      nombre: 'Compras',
      url: receiver.url('/avisos'),
      eventos: ['movimiento_creado'],
    });
    receiver.setSecrets(hook.secreto);
    const articulo = inventory.listArticles({ page: 1, page_size: 1 }).items[0]!.id;
    const movement = () =>
      inventory.createMovement(
        { tipo: 'ENTRADA', articulo, cantidad: 1, referencia: null, origen: 'ui' },
        'ui:test',
      );
    movement();
    movement();
    expect(await setup.core.dispatcher.runOnce()).toBe(2);

    // A third one meets a receiver that keeps failing: it is retried until it gives up.
    receiver.mode = { kind: 'status', status: 500 };
    movement();
    await setup.core.dispatcher.runOnce();
    let body = await report();
    expect(body.webhooks).toEqual({
      entregadas: 2,
      fallidas: 0,
      intentos_fallidos: 1,
      pendientes: 1,
      tasa_exito: 100,
    });

    for (let attempt = 2; attempt <= 8; attempt++) {
      clock.advance(11 * HOUR);
      expect(await setup.core.dispatcher.runOnce()).toBe(1);
    }
    body = await report();
    expect(body.webhooks).toEqual({
      entregadas: 2,
      fallidas: 1,
      intentos_fallidos: 8,
      pendientes: 0,
      tasa_exito: 66.7,
    });
    receiver.mode = { kind: 'status', status: 204 };
  });

  it('counts API calls per external system, errors apart, and nothing but calls to the API', async () => {
    const before = (await report()).llamadas_api;
    expect((await get('/api/external/articulos/', erpKey)).status).toBe(200);
    expect((await get('/api/external/articulos/999/', erpKey)).status).toBe(404);
    expect((await get('/api/external/articulos/', compras)).status).toBe(200);
    expect((await get('/api/external/stock/', compras)).status).toBe(403);
    expect((await get('/api/external/stock/', null)).status).toBe(401);
    expect((await get('/api/health', null)).status).toBe(200);

    const after = (await report()).llamadas_api;
    const of = (calls: typeof after, sistema: string) =>
      calls.por_sistema.find((s) => s.sistema === sistema) ?? {
        sistema,
        total: 0,
        exitosas: 0,
        errores: 0,
      };
    // The health check is not an integration; the report call before this one is.
    expect(after.total - before.total).toBe(6);
    expect(after.errores - before.errores).toBe(3);
    expect(of(after, 'ERP')).toEqual({ sistema: 'ERP', total: 2, exitosas: 1, errores: 1 });
    expect(of(after, 'Compras')).toEqual({ sistema: 'Compras', total: 2, exitosas: 1, errores: 1 });
    expect(of(after, 'desconocido')).toEqual({
      sistema: 'desconocido',
      total: 1,
      exitosas: 0,
      errores: 1,
    });
    expect(of(after, 'Informes').total - of(before, 'Informes').total).toBe(1);
    // Most calls first.
    const totals = after.por_sistema.map((s) => s.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });

  it('is never served from the response cache: each answer counts what happened before it', async () => {
    const first = (await report()).llamadas_api.total;
    const second = (await report()).llamadas_api.total;
    expect(second).toBe(first + 1);
  });

  it('limits every figure to desde–hasta, but keeps the last and next run and what waits now', async () => {
    const all = await report();
    const t0 = new Date(T0).toISOString();
    // Only the first ERP run started before T0 + 30 min.
    const early = await report(
      `?desde=${t0}&hasta=${encodeURIComponent('2026-11-27T11:30:00+01:00')}`,
    );
    expect(early).toMatchObject({
      desde: t0,
      hasta: '2026-11-27T10:30:00.000Z',
      total_sincronizaciones: 1,
      exitosas: 1,
      fallidas: 0,
      tasa_exito: 100,
      ultima_sincronizacion: all.ultima_sincronizacion,
      proxima_sincronizacion: all.proxima_sincronizacion,
    });
    // The first two deliveries were made at T0 + 1 h, after the range.
    expect(early.webhooks).toMatchObject({ entregadas: 0, fallidas: 0, intentos_fallidos: 0 });
    expect(early.llamadas_api.total).toBe(1); // the first report, at T0

    // A range in the future counts nothing.
    const future = await report('?desde=2030-01-01T00:00:00Z');
    expect(future).toMatchObject({
      hasta: null,
      total_sincronizaciones: 0,
      tasa_exito: null,
      webhooks: { entregadas: 0, fallidas: 0, intentos_fallidos: 0 },
      llamadas_api: { total: 0, errores: 0, por_sistema: [] },
    });
  });

  it('answers with and without the trailing slash', async () => {
    const answer = await get(ROUTE.slice(0, -1));
    expect(answer.status).toBe(200);
    expect(answer.body.total_sincronizaciones).toBe(2);
  });

  it('refuses bad ranges and unknown parameters with problem+json', async () => {
    const cases: Array<[string, string]> = [
      ['?desde=ayer', 'desde'],
      ['?hasta=2026-11-27', 'hasta'],
      ['?desde=2026-11-28T00:00:00Z&hasta=2026-11-27T00:00:00Z', 'hasta'],
      ['?rango=24h', 'rango'],
    ];
    for (const [query, field] of cases) {
      const answer = await get(`${ROUTE}${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        type: 'urn:gsih:problema:validacion',
        status: 400,
        errors: { [field]: expect.any(String) },
      });
    }
    const reversed = await get(`${ROUTE}?desde=2026-11-28T00:00:00Z&hasta=2026-11-27T00:00:00Z`);
    expect(reversed.body.errors.hasta).toBe('Debe ser igual o posterior a desde');
  });

  it('needs a key with reportes:read', async () => {
    const missing = await get(ROUTE, null);
    expect(missing.status).toBe(401);
    const refused = await get(ROUTE, compras);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/reportes:read/);
  });
});

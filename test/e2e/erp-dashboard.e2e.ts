import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ErpStatus } from '../../src/shared/erp';
import type { IntegrationReport } from '../../src/shared/monitoring';
import { startFakeErp, type FakeErp } from '../fixtures/fake-erp';
import { openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

// The company's ERP is connected from the ERP page: the fake ERP (real HTTP on 127.0.0.1) is
// configured and its mapping previewed; once saved, the first sync starts by itself. Its articles
// show in Inventario, the run and its records in the ERP page (a stock record for an article the
// ERP had not published yet is an error). A dry run shows what the ERP changed since, a real sync
// applies it, and «Reintentar» stores the stock record that failed. Then the ERP's credentials
// expire and the failed run says why. The Panel, the home page, shows it all in figures and
// charts, with API calls and webhook deliveries made meanwhile, follows live and leads to
// Registros. The steps share one service, one ERP and one browser, in order.

const TOKEN = 'token-del-erp-0123456789';

let erp: FakeErp;
let serve: ServeProcess;
let browser: BrowserSession;
let page: Page;
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  erp = await startFakeErp({ auth: { kind: 'bearer', token: TOKEN }, restPaging: 'next' });
  erp.putArticles([
    {
      id: 'ERP-000125',
      codigo: 'TUB-PVC-25',
      nombre: 'Tubo PVC presión 25 mm',
      material: 'PVC',
      diametro: 25,
      unidad: 'm',
      stock_minimo: 100,
    },
    {
      id: 'ERP-000132',
      codigo: 'TUB-PVC-32',
      nombre: 'Tubo PVC presión 32 mm',
      material: 'PVC',
      diametro: 32,
      unidad: 'm',
      stock_minimo: 80,
    },
    {
      id: 'ERP-000290',
      codigo: 'COD-PE-90',
      nombre: 'Codo PE 90 grados',
      material: 'PE',
      diametro: null,
      unidad: 'unidad',
      stock_minimo: 20,
    },
    {
      id: 'ERP-000400',
      codigo: 'VAL-LAT-12',
      nombre: 'Válvula de latón 1/2"',
      material: 'Latón',
      diametro: 12.7,
      unidad: 'unidad',
      stock_minimo: 5,
    },
  ]);
  erp.putStock([
    { articulo: 'ERP-000125', almacen: 'PRINCIPAL', cantidad: 240 },
    { articulo: 'ERP-000132', almacen: 'PRINCIPAL', cantidad: 40 },
    { articulo: 'ERP-000290', almacen: 'PRINCIPAL', cantidad: 75 },
    // An article the ERP has not published yet: this count cannot be stored until it is.
    { articulo: 'ERP-000501', almacen: 'PRINCIPAL', cantidad: 12 },
  ]);
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/avisos`;
  serve = await startServe();
  browser = await openBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await erp?.close();
  await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
});

const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const card = (name: string) => page.getByRole('region', { name, exact: true });
const chart = (name: string) => page.getByRole('figure', { name, exact: true });
const runsTable = () => page.getByRole('table', { name: 'Sincronizaciones', exact: true });
/** A run's row, by the name of its toggle (ids are given in order: 1 is the first run). */
const runRow = (id: number) =>
  runsTable()
    .getByRole('row')
    .filter({
      has: page.getByRole('button', { name: `Detalle de la sincronización ${id}`, exact: true }),
    });

/** Picks an option of a segmented control (its radio inputs are hidden behind their labels). */
async function segment(group: string, option: string) {
  await page.getByRole('radiogroup', { name: group }).getByText(option, { exact: true }).click();
}

async function expectVisible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

/** Calls the core over the bridge as another browser tab would, with the printed token. */
async function invoke<T = unknown>(name: string, input: unknown): Promise<T> {
  const token = new URL(serve.uiUrl).hash.replace('#token=', '');
  const response = await fetch(`${serve.origin}/bridge/invoke/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await response.json()) as { ok: boolean; result?: T; error?: unknown };
  if (!envelope.ok) throw new Error(`${name} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

/** Waits until no run goes on and the last one is `id` (or any, without it). */
async function runEnded(id?: number): Promise<ErpStatus> {
  let status: ErpStatus | null = null;
  await expect
    .poll(async () => {
      status = await invoke<ErpStatus>('erp/status', {});
      return status.en_curso === null && (id === undefined || status.ultima?.id === id);
    })
    .toBe(true);
  return status!;
}

function api(path: string, key: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${serve.apiOrigin}${path}`, {
    ...init,
    headers: { Authorization: `ApiKey ${key}`, 'Content-Type': 'application/json' },
  });
}

describe('ERP page and Panel, over gsih serve with a fake ERP', () => {
  test('the Panel is the home page; before anything is connected it says what to do', async () => {
    await page.goto(serve.uiUrl);
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
    await expectVisible(page.getByRole('heading', { name: 'Panel', level: 2 }));
    // First in the navigation, and the page shown.
    await expect
      .poll(() => page.getByRole('navigation').getByRole('button').first().textContent())
      .toBe('Panel');
    await expect.poll(() => nav('Panel').getAttribute('aria-current')).toBe('page');
    const erpCard = card('Sincronización con el ERP');
    await expectVisible(erpCard.getByText('Sin configurar'));
    await expectVisible(erpCard.getByText(/Configure el ERP para traer los artículos/));
    await expectVisible(
      chart('Sincronizaciones con el ERP').getByText(/Configure el ERP en la página ERP/),
    );
    await expectVisible(
      chart('Llamadas a la API por sistema').getByText(/Cada sistema necesita su clave/),
    );
    await browser.screenshot('51-panel-inicio-vacio');
  });

  test('configures the ERP in its page and previews the mapping before saving', async () => {
    await card('Sincronización con el ERP')
      .getByRole('button', { name: 'Configurar el ERP' })
      .click();
    await expectVisible(page.getByRole('heading', { name: 'ERP', level: 2, exact: true }));
    await expectVisible(page.getByText(/GSIH lee del ERP los artículos y el stock/));
    await expectVisible(page.getByRole('heading', { name: 'Conectar el ERP' }));

    await page.getByLabel('Dirección del ERP').fill(erp.url);
    // REST and a Bearer token are what the form starts from; each profile explains itself.
    await expect
      .poll(() => page.getByRole('radio', { name: /REST \(JSON\)/ }).isChecked())
      .toBe(true);
    await expectVisible(page.getByText(/Para servicios OData como los de SAP S\/4HANA/));
    await page.getByLabel(/^Token/).fill(TOKEN);
    await browser.screenshot('52-erp-configurar');

    await page.getByRole('button', { name: 'Vista previa' }).click();
    const preview = page.getByRole('table', { name: 'Primeros registros tal como se guardarían' });
    await expectVisible(preview.getByText('TUB-PVC-25'));
    await expectVisible(preview.getByText('Válvula de latón 1/2"'));
    await expectVisible(page.getByText(/4 registros leídos \(0 con error\)/));
    await expectVisible(
      page
        .getByRole('region', { name: 'Resultado de la vista previa' })
        .getByText('fecha_modificacion', { exact: true }),
    );
    // Nothing is saved by a preview.
    expect(await invoke('erp/config', {})).toBeNull();
    await page
      .getByRole('region', { name: 'Resultado de la vista previa' })
      .scrollIntoViewIfNeeded();
    await browser.screenshot('53-erp-vista-previa');

    await page.getByRole('button', { name: 'Guardar configuración' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Conexión', exact: true }));
    await expectVisible(page.getByText('Guardada en este equipo; no se muestra.'));
    // The secret is never given back, to the page or to anyone asking the core.
    expect(await page.content()).not.toContain(TOKEN);
    expect(JSON.stringify(await invoke('erp/config', {}))).not.toContain(TOKEN);
  });

  test('the first sync starts by itself once saved; its records say what could not be stored', async () => {
    // Never synced: the schedule finds a run due at once.
    const row = runRow(1);
    await expectVisible(row.getByText('Programada'));
    await expectVisible(row.getByText('Completada'));
    const status = await runEnded(1);
    expect(status.ultima).toMatchObject({ tipo: 'completa', creados: 7, fallidos: 1 });
    await expectVisible(
      page.getByText(/Registros del ERP: 7 sincronizados, 0 pendientes, 1 con error/),
    );
    await expectVisible(page.getByText(/Automática, cada 1 h/).first());

    await row.getByRole('button', { name: /^Detalle de la sincronización/ }).click();
    const ledger = page.getByRole('table', { name: 'Registros de la sincronización 1' });
    await expectVisible(ledger.getByText('ERP-000125', { exact: true }));
    await expectVisible(page.getByText(/La próxima vez leerá lo modificado desde/).first());
    await browser.screenshot('54-erp-primera-sincronizacion');

    await segment('Filtrar por estado', 'Con error');
    await expectVisible(ledger.getByText(/ningún artículo con la referencia del ERP «ERP-000501»/));
    await expect.poll(() => ledger.getByRole('row').count()).toBe(2);
    await ledger.scrollIntoViewIfNeeded();
    await browser.screenshot('55-erp-registro-con-error');
  });

  test('the ERP’s articles are in Inventario, with their stock', async () => {
    await nav('Inventario').click();
    const articles = page.getByRole('table', { name: 'Artículos' });
    await expectVisible(articles.getByText('TUB-PVC-25'));
    await expectVisible(articles.getByText('VAL-LAT-12'));
    // 40 m of TUB-PVC-32 against a minimum of 80.
    await expectVisible(
      articles.getByRole('row').filter({ hasText: 'TUB-PVC-32' }).getByText('Bajo mínimo'),
    );
    await browser.screenshot('56-inventario-desde-erp');
  });

  test('a dry run says what a sync would change; «Sincronizar de verdad» applies it', async () => {
    // In the ERP, someone renames an article and publishes the one the stock was waiting for.
    erp.modifyArticle('ERP-000132', { nombre: 'Tubo PVC presión 32 mm PN10' });
    erp.putArticles([
      {
        id: 'ERP-000501',
        codigo: 'BRD-PN16-50',
        nombre: 'Brida PN16 50 mm',
        material: 'Acero',
        diametro: 50,
        unidad: 'unidad',
        stock_minimo: 4,
      },
    ]);
    await nav('ERP').click();
    await page.getByRole('button', { name: 'Sincronizar ahora' }).click();
    const modal = dialog('Sincronizar ahora');
    await modal.getByRole('radio', { name: /^Solo artículos/ }).check();
    await modal.getByLabel('Simulación').check();
    await modal.getByRole('button', { name: 'Simular' }).click();
    const result = dialog('Simulación: esto cambiaría');
    const changes = result.getByRole('table', { name: 'Cambios que haría' });
    await expectVisible(
      changes.getByText('«Tubo PVC presión 32 mm» → «Tubo PVC presión 32 mm PN10»'),
    );
    await expectVisible(
      changes.getByRole('row').filter({ hasText: 'ERP-000501' }).getByText('Crear'),
    );
    await browser.screenshot('57-erp-simulacion');
    // A dry run is not stored.
    expect((await invoke<{ total: number }>('erp/runs', {})).total).toBe(1);

    await result.getByRole('button', { name: 'Sincronizar de verdad' }).click();
    await result.waitFor({ state: 'hidden' });
    await expectVisible(runRow(2).getByText('Solo artículos'));
    expect((await runEnded(2)).ultima).toMatchObject({ creados: 1, actualizados: 1 });
  });

  test('«Reintentar» stores the stock that failed, now that its article exists', async () => {
    // Only the articles were synced: the stock record stays in error until someone retries it.
    await runRow(1)
      .getByRole('button', { name: /^Detalle de la sincronización/ })
      .click();
    await segment('Filtrar por estado', 'Con error');
    await page.getByRole('button', { name: /^Reintentar ERP-000501/ }).click();
    const retried = runRow(3);
    await expectVisible(retried.getByText('Reintento'));
    await expectVisible(retried.getByText('Completada'));
    const status = await runEnded(3);
    expect(status.registros.ERROR).toBe(0);
    await expectVisible(
      page.getByText(/Registros del ERP: 9 sincronizados, 0 pendientes, 0 con error/),
    );
    await retried.getByRole('button', { name: /^Detalle de la sincronización/ }).click();
    await expectVisible(
      page
        .getByRole('table', { name: 'Registros de la sincronización 3' })
        .getByText('Sincronizado'),
    );
    await runsTable().scrollIntoViewIfNeeded();
    await browser.screenshot('58-erp-reintento');
  });

  test('when the ERP refuses the credentials, the run fails and says why', async () => {
    // Meanwhile, other systems use the API and a webhook hears of a movement, which is approved
    // and then pushed to the ERP by a full sync.
    const compras = await invoke<{ clave: string }>('keys/create', {
      nombre: 'Compras',
      sistema: 'Compras',
      scopes: ['articulos:read', 'stock:read', 'movimientos:write', 'movimientos:aprobar'],
    });
    const informes = await invoke<{ clave: string }>('keys/create', {
      nombre: 'Informes BI',
      sistema: 'Informes',
      scopes: ['reportes:read'],
    });
    await invoke('webhooks/create', {
      nombre: 'Compras: avisos',
      url: receiverUrl,
      eventos: ['movimiento_creado', 'movimiento_aprobado'],
    });
    for (let i = 0; i < 5; i++) await api('/api/external/stock/', compras.clave);
    expect((await api('/api/external/articulos/9999/', compras.clave)).status).toBe(404);
    const movement = (await (
      await api('/api/external/movimientos/', compras.clave, {
        method: 'POST',
        body: JSON.stringify({
          tipo: 'ENTRADA',
          articulo: 1,
          cantidad: 60,
          referencia: 'PED-7781',
        }),
      })
    ).json()) as { id: number };
    await api(`/api/external/movimientos/${movement.id}/aprobar/`, compras.clave, {
      method: 'POST',
    });
    const report = (await (
      await api('/api/reportes/integraciones/', informes.clave)
    ).json()) as IntegrationReport;
    expect(report).toMatchObject({ total_sincronizaciones: 3, exitosas: 3, tasa_exito: 100 });
    const pushed = await invoke<{ id: number }>('erp/sync', {});
    expect((await runEnded(pushed.id)).ultima).toMatchObject({ estado: 'COMPLETADA', enviados: 1 });
    expect(erp.movements).toHaveLength(1);

    erp.expireCredentials();
    await page.getByRole('button', { name: 'Sincronizar ahora' }).click();
    await dialog('Sincronizar ahora')
      .getByRole('button', { name: 'Sincronizar', exact: true })
      .click();
    const failed = runRow(5);
    await expectVisible(failed.getByText(/El ERP rechazó las credenciales \(401\)/));
    await failed.getByRole('button', { name: /^Detalle de la sincronización/ }).click();
    const why = page.getByRole('alert').filter({ hasText: 'Por qué no terminó bien' });
    await expectVisible(why.getByText(/Actualícelas en la página ERP/));
    await expectVisible(page.getByText(/Ningún registro/));
    await browser.screenshot('59-erp-sincronizacion-fallida');
  });

  test('the Panel shows the figures and the charts, each leading to its page, and follows live', async () => {
    await nav('Panel').click();
    const last = card('Última sincronización');
    await expectVisible(last.getByText('Fallida'));
    await expectVisible(last.getByText(/rechazó las credenciales/));
    await expectVisible(card('Tasa de éxito').getByText('4 de 5 sincronizaciones terminaron bien'));
    await expectVisible(card('Tasa de éxito').getByText(/^80\s%$/));
    await expectVisible(card('Sincronizaciones').getByText('1 fallida'));
    await expectVisible(card('Próxima sincronización').getByText(/cada 1 h/));
    await expect
      .poll(() => card('Entregas de webhooks').getByText('2 entregadas').isVisible())
      .toBe(true);
    const calls = card('Llamadas a la API');
    await expectVisible(calls.getByText('1 con error').first());
    const runsChart = chart('Sincronizaciones con el ERP');
    await expectVisible(runsChart.getByText('5 terminadas: 4 correctas, 1 fallida.'));
    await expectVisible(runsChart.getByText('Correctas', { exact: true }));
    await expectVisible(chart('Entregas de webhooks').getByText('Entregadas', { exact: true }));
    const apiChart = chart('Llamadas a la API por sistema');
    await expectVisible(apiChart.getByText('Compras', { exact: true }));
    await expectVisible(apiChart.getByText('Informes', { exact: true }));
    await browser.screenshot('60-panel-con-datos');

    // Live: more calls show up without reloading.
    const before = await calls.getByText(/^\d+$/).first().textContent();
    const reader = await invoke<{ clave: string }>('keys/create', {
      nombre: 'Almacén 2',
      sistema: 'Almacén 2',
    });
    for (let i = 0; i < 3; i++) await api('/api/external/articulos/', reader.clave);
    await expect
      .poll(async () => Number(await calls.getByText(/^\d+$/).first().textContent()), {
        timeout: 15_000,
      })
      .toBe(Number(before) + 3);

    await calls.getByRole('button', { name: /^Ver los registros de Compras/ }).click();
    await expectVisible(page.getByRole('heading', { name: 'Registros', level: 2 }));
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Sistema' }).inputValue())
      .toBe('Compras');
    await expectVisible(page.getByText('GET /api/external/articulos/:id/').first());
    await browser.screenshot('61-registros-de-un-sistema');
  });

  test('the ERP’s saved secret is never shown again: it can only be replaced', async () => {
    erp.restoreAccess();
    await nav('ERP').click();
    await page.getByRole('button', { name: 'Editar configuración' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Editar la conexión con el ERP' }));
    await expect.poll(() => page.getByLabel('Dirección del ERP').inputValue()).toBe(erp.url);
    await expectVisible(page.getByText('Guardada en este equipo; no se muestra.').first());
    await page.getByRole('button', { name: 'Cambiar Token' }).click();
    await expect.poll(() => page.getByLabel(/^Token/).inputValue()).toBe('');
    await page.getByRole('heading', { name: 'Autenticación' }).scrollIntoViewIfNeeded();
    await browser.screenshot('62-erp-cambiar-credencial');
    await page.getByRole('button', { name: 'No cambiar: seguir con la guardada' }).click();
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await expectVisible(page.getByRole('button', { name: 'Editar configuración' }));
  });

  test('the Panel reads well in English too', async () => {
    await invoke('settings/update', { language: 'en' });
    await nav('Dashboard').click();
    await expectVisible(page.getByRole('heading', { name: 'Dashboard', level: 2 }));
    await expectVisible(card('Last sync').getByText('Failed'));
    await expectVisible(chart('API calls per system').getByText('Compras', { exact: true }));
    await segment('Period', 'Last 7 days');
    await expectVisible(chart('Syncs with the ERP').getByText(/Per day/));
    await browser.screenshot('63-dashboard-english');
    await invoke('settings/update', { language: 'es' });
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

// One warehouse day, in order, against a real `gsih serve`: the steps share one data directory
// and one browser, so each test starts where the previous one left off.

let serve: ServeProcess;
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  serve = await startServe();
  browser = await openBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const tab = (name: RegExp) => page.getByRole('tab', { name });
const articleRow = (codigo: string) =>
  page.getByRole('table', { name: 'Artículos' }).getByRole('row').filter({ hasText: codigo });

async function expectVisible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

/** The article's total stock, which is also the button that opens its breakdown per almacén. */
async function expectStockTotal(codigo: string, total: string) {
  const button = articleRow(codigo).getByRole('button', { name: `Ver stock de ${codigo}` });
  await expectVisible(button.filter({ hasText: new RegExp(`^${total}$`) }));
}

/** yyyy-mm-dd of today plus `offset` days, in this machine's zone, as a date input takes it. */
function localDay(offset: number): string {
  const day = new Date();
  day.setDate(day.getDate() + offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** Calls the core over the bridge as another browser tab would, with the printed token. */
async function invoke(name: string, input: unknown): Promise<unknown> {
  const token = new URL(serve.uiUrl).hash.replace('#token=', '');
  const response = await fetch(`${serve.origin}/bridge/invoke/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await response.json()) as { ok: boolean; result?: unknown; error?: unknown };
  if (!envelope.ok) throw new Error(`${name} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result;
}

async function fillMovement(modal: Locator, tipo: string, cantidad: string) {
  await modal.getByText(tipo, { exact: true }).click();
  await modal.getByLabel('Cantidad').fill(cantidad);
  await modal.getByRole('button', { name: 'Registrar movimiento' }).click();
  await modal.waitFor({ state: 'hidden' });
}

async function approveFirstPending() {
  await tab(/Pendientes/).click();
  const table = page.getByRole('table', { name: 'Movimientos pendientes' });
  await table
    .getByRole('button', { name: /^Aprobar movimiento/ })
    .first()
    .click();
}

describe('the inventory, in Spanish, over gsih serve', () => {
  test('opens on the Panel, then Inventario shows an empty state that says what to do; the token leaves the address', async () => {
    await page.goto(serve.uiUrl);
    // The Panel is the home page.
    await expectVisible(page.getByRole('heading', { name: 'Panel', level: 2 }));
    await nav('Inventario').click();
    await expectVisible(page.getByRole('heading', { name: 'Inventario', level: 2 }));
    await expectVisible(
      page.getByText('Aún no hay artículos. Cree el primero con «Nuevo artículo».'),
    );
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
    expect(new URL(page.url()).hash).toBe('');
    await browser.screenshot('01-inventario-vacio');

    // The token was kept for this tab: a reload still reaches the service.
    await page.reload();
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
  });

  test('creates an article from the «Nuevo artículo» form', async () => {
    await page.getByRole('button', { name: 'Nuevo artículo' }).first().click();
    const modal = dialog('Nuevo artículo');
    await modal.getByLabel('Código').fill('TUB-001');
    await modal.getByLabel('Nombre').fill('Tubo de acero galvanizado');
    await modal.getByLabel('Material').fill('Acero');
    await modal.getByLabel('Diámetro').fill('20');
    await modal.getByLabel('Stock mínimo').fill('10');
    await browser.screenshot('02-nuevo-articulo');
    await modal.getByRole('button', { name: 'Crear artículo' }).click();
    await modal.waitFor({ state: 'hidden' });

    const row = articleRow('TUB-001');
    await expectVisible(row);
    await expect
      .poll(() => row.getByRole('cell').nth(1).textContent())
      .toBe('Tubo de acero galvanizado');
  });

  test('refuses a duplicate código with the core message and a field marker', async () => {
    await page.getByRole('button', { name: 'Nuevo artículo' }).click();
    const modal = dialog('Nuevo artículo');
    await modal.getByLabel('Código').fill('TUB-001');
    await modal.getByLabel('Nombre').fill('Otro tubo');
    await modal.getByRole('button', { name: 'Crear artículo' }).click();
    await expectVisible(modal.getByRole('alert').filter({ hasText: 'Ya existe un artículo' }));
    await expectVisible(modal.getByText('Código duplicado'));
    await browser.screenshot('03-articulo-duplicado');
    await modal.getByRole('button', { name: 'Cancelar' }).click();
    await modal.waitFor({ state: 'hidden' });
  });

  test('an article without código or nombre is marked field by field', async () => {
    await page.getByRole('button', { name: 'Nuevo artículo' }).click();
    const modal = dialog('Nuevo artículo');
    await modal.getByRole('button', { name: 'Crear artículo' }).click();
    await expect.poll(() => modal.getByLabel('Código').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => modal.getByLabel('Nombre').getAttribute('aria-invalid')).toBe('true');
    await browser.screenshot('03b-articulo-incompleto');
    await modal.getByRole('button', { name: 'Cancelar' }).click();
    await modal.waitFor({ state: 'hidden' });
  });

  test('an ENTRADA of 12 waits in Pendientes and, once approved, sets the stock', async () => {
    await articleRow('TUB-001')
      .getByRole('button', { name: 'Registrar movimiento de TUB-001' })
      .click();
    const modal = dialog('Registrar movimiento');
    await expectVisible(modal.getByText('El movimiento se crea como PENDIENTE'));
    await expect.poll(() => modal.getByLabel('Artículo').inputValue()).toContain('TUB-001');
    await expect.poll(() => modal.getByLabel('Almacén').inputValue()).toBe('PRINCIPAL');
    await modal.getByLabel('Cantidad').fill('12');
    await browser.screenshot('04-registrar-entrada');
    await modal.getByRole('button', { name: 'Registrar movimiento' }).click();
    await modal.waitFor({ state: 'hidden' });

    // Pending: the stock has not moved yet.
    await expectStockTotal('TUB-001', '0');
    await expectVisible(tab(/Pendientes\s*1/));
    await tab(/Pendientes/).click();
    await browser.screenshot('05-pendientes');
    await approveFirstPending();
    await expectVisible(page.getByText(/Movimiento n\.º \d+ aprobado/));
    await browser.screenshot('05b-aprobado', { withNotifications: true });

    await tab(/Artículos/).click();
    await expectStockTotal('TUB-001', '12');
  });

  test('a SALIDA of 5, picked through the article search, leaves 7 and opens an alert', async () => {
    await page.getByRole('button', { name: 'Registrar movimiento', exact: true }).click();
    const modal = dialog('Registrar movimiento');
    await modal.getByLabel('Artículo').fill('TUB');
    await page.getByRole('option', { name: /TUB-001/ }).click();
    await fillMovement(modal, 'Salida', '5');
    await approveFirstPending();
    await expectVisible(page.getByText(/Movimiento n\.º \d+ aprobado/).last());

    await tab(/Artículos/).click();
    await expectStockTotal('TUB-001', '7');
    await expectVisible(articleRow('TUB-001').getByText('Bajo mínimo'));
    await browser.screenshot('06-articulos-bajo-minimo');

    await expectVisible(tab(/Alertas abiertas\s*1/));
    await tab(/Alertas abiertas/).click();
    const alerts = page.getByRole('table', { name: 'Alertas abiertas' });
    const alertRow = alerts.getByRole('row').filter({ hasText: 'TUB-001' });
    await expectVisible(alertRow);
    await expect.poll(() => alertRow.getByRole('cell').nth(1).textContent()).toBe('PRINCIPAL');
    await expect.poll(() => alertRow.getByRole('cell').nth(2).textContent()).toBe('7');
    await expect.poll(() => alertRow.getByRole('cell').nth(3).textContent()).toBe('10');
    await browser.screenshot('07-alertas');
  });

  test('the stock detail shows the quantity per almacén', async () => {
    await tab(/Artículos/).click();
    await page.getByRole('button', { name: 'Ver stock de TUB-001' }).click();
    const drawer = dialog('Stock de TUB-001');
    const level = drawer.getByRole('table', { name: 'Stock por almacén' }).getByRole('row', {
      name: /PRINCIPAL/,
    });
    await expectVisible(level.getByText('7', { exact: true }));
    await browser.screenshot('08-stock-por-almacen');
    await drawer.getByRole('button', { name: 'Cerrar' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  test('«Editar» saves changes to the article', async () => {
    await page.getByRole('button', { name: 'Editar TUB-001' }).click();
    const modal = dialog('Editar artículo TUB-001');
    await expect.poll(() => modal.getByLabel('Stock mínimo').inputValue()).toBe('10');
    await modal.getByLabel('Nombre').fill('Tubo de acero galvanizado 20 mm');
    await modal.getByLabel('Referencia externa').fill('ERP-TUB-20');
    await modal.getByRole('button', { name: 'Guardar cambios' }).click();
    await modal.waitFor({ state: 'hidden' });
    await expectVisible(articleRow('TUB-001').getByText('Tubo de acero galvanizado 20 mm'));

    // The search also finds it by the new external reference.
    await page.getByRole('textbox', { name: 'Buscar artículos' }).fill('ERP-TUB');
    await expectVisible(articleRow('TUB-001'));
    await page.getByRole('textbox', { name: 'Buscar artículos' }).fill('NO-EXISTE');
    await expectVisible(page.getByText('Ningún artículo coincide'));
    await browser.screenshot('08b-busqueda-sin-resultados');
    await page.getByRole('button', { name: 'Limpiar filtros' }).click();
    await expectVisible(articleRow('TUB-001'));
  });

  test('a SALIDA beyond the stock is refused on approval with the Spanish message', async () => {
    await page.getByRole('button', { name: 'Registrar movimiento de TUB-001' }).click();
    await fillMovement(dialog('Registrar movimiento'), 'Salida', '50');
    await approveFirstPending();
    const refusal = page.getByRole('alert').filter({ hasText: 'No se pudo aprobar' });
    await expectVisible(refusal);
    await expectVisible(refusal.getByText(/Stock insuficiente: en PRINCIPAL hay 7/));
    await browser.screenshot('09-stock-insuficiente');
  });

  test('a pending movement can be rejected with a reason, and the history shows it', async () => {
    const table = page.getByRole('table', { name: 'Movimientos pendientes' });
    await table
      .getByRole('button', { name: /^Rechazar movimiento/ })
      .first()
      .click();
    const modal = dialog(/Rechazar movimiento/);
    await modal.getByLabel('Motivo (opcional)').fill('Pedido anulado por el cliente');
    await browser.screenshot('10-rechazar');
    await modal.getByRole('button', { name: 'Rechazar movimiento' }).click();
    await modal.waitFor({ state: 'hidden' });
    await expectVisible(page.getByText('No hay movimientos pendientes'));

    await tab(/Historial/).click();
    const history = page.getByRole('table', { name: 'Historial de movimientos' });
    await expectVisible(history.getByRole('row').filter({ hasText: 'Rechazado' }));
    await expect.poll(() => history.getByRole('row').count()).toBe(4); // header + 3 movements
    await expectVisible(history.getByRole('cell', { name: '12 → 7' }));
    await browser.screenshot('11-historial');
  });

  test('a movement registered by another client appears without reloading (push events)', async () => {
    await tab(/Pendientes/).click();
    await expectVisible(page.getByText('No hay movimientos pendientes'));
    const articles = await invoke('inventory/listArticles', { texto: 'TUB-001' });
    const articulo = (articles as { items: { id: number }[] }).items[0]?.id;
    await invoke('inventory/createMovement', {
      tipo: 'ENTRADA',
      articulo,
      cantidad: 3,
      referencia: 'ALB-77',
    });
    const table = page.getByRole('table', { name: 'Movimientos pendientes' });
    await expectVisible(table.getByRole('row').filter({ hasText: 'ALB-77' }));
    await expectVisible(tab(/Pendientes\s*1/));
  });

  test('Registros lists the integration log and expands an entry', async () => {
    await nav('Registros').click();
    await expectVisible(page.getByRole('heading', { name: 'Registros', level: 2 }));
    const table = page.getByRole('table', { name: 'Registro de integraciones' });
    await expectVisible(table);
    // `gsih serve` logs its own start.
    const toggle = table.getByRole('button', { name: /Ver u ocultar el detalle/ }).last();
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    await expectVisible(table.getByText('Datos enviados', { exact: true }));
    await browser.screenshot('12-registros');

    // Days are local days: the entry written at start-up is inside today and outside yesterday.
    const today = localDay(0);
    await page.getByLabel('Desde').fill(today);
    await page.getByLabel('Hasta').fill(today);
    await expectVisible(table.getByRole('row').nth(1));
    await page.getByLabel('Desde').fill(localDay(-1));
    await page.getByLabel('Hasta').fill(localDay(-1));
    await expectVisible(page.getByText('Ningún registro coincide'));
    await page.getByRole('button', { name: 'Limpiar', exact: true }).click();
    await expectVisible(table);

    await page.getByRole('combobox', { name: 'Estado' }).click();
    await page.getByRole('option', { name: 'Error' }).click();
    await expectVisible(page.getByText('Ningún registro coincide'));
  });

  test('Ajustes shows where the data lives and marks an invalid port', async () => {
    await nav('Ajustes').click();
    await expectVisible(page.getByRole('heading', { name: 'Ajustes', level: 2 }));
    await expectVisible(page.getByText(serve.dataDir, { exact: true }));
    await page.getByLabel('Puerto').fill('70000');
    await page.getByRole('button', { name: 'Guardar' }).click();
    const port = page.getByLabel('Puerto');
    await expect.poll(() => port.getAttribute('aria-invalid')).toBe('true');
    await browser.screenshot('13-ajustes');
  });

  test('switching to English changes the interface at once and is kept after a reload', async () => {
    await page.getByRole('combobox', { name: 'Idioma de la interfaz' }).click();
    await page.getByRole('option', { name: 'English' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Settings', level: 2 }));
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await browser.screenshot('14-settings-english');
    // Saved in the service, not only remembered by this browser.
    await expect.poll(() => invoke('settings/get', {})).toMatchObject({ language: 'en' });

    await page.reload();
    await expectVisible(page.getByRole('heading', { name: 'Settings', level: 2 }));
    await nav('Inventory').click();
    await expectVisible(page.getByRole('heading', { name: 'Inventory', level: 2 }));
    await expectVisible(page.getByRole('tab', { name: /Open alerts/ }));
    await expectVisible(page.getByRole('table', { name: 'Articles' }).getByText('Below minimum'));
    await expectVisible(page.getByRole('button', { name: 'New article' }));
    await browser.screenshot('15-inventory-english');

    // Errors keep the core's Spanish message behind a short English prefix.
    await page.getByRole('button', { name: 'New article' }).click();
    const modal = dialog('New article');
    await modal.getByLabel('Code').fill('TUB-001');
    await modal.getByLabel('Name').fill('Duplicate');
    await modal.getByRole('button', { name: 'Create article' }).click();
    await expectVisible(
      modal
        .getByRole('alert')
        .filter({ hasText: 'Conflict — Ya existe un artículo con el código TUB-001' }),
    );
    await browser.screenshot('16-english-error');
    await modal.getByRole('button', { name: 'Cancel' }).click();
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

// An ERP gets its key in Claves API, calls the external API with it, shows up in Registros, and
// is shut out when the key is revoked. The steps share one service and one browser, in order.

let serve: ServeProcess;
let browser: BrowserSession;
let page: Page;
/** The full key, as the copy-once dialog showed it and the clipboard returned it. */
let apiKey = '';

beforeAll(async () => {
  serve = await startServe();
  browser = await openBrowser();
  page = browser.page;
  // The "Copiar" button writes with navigator.clipboard; the test reads it back.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: serve.origin,
  });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const keysTable = () => page.getByRole('table', { name: 'Claves API' });
const keyRow = (nombre: string) => keysTable().getByRole('row').filter({ hasText: nombre });

async function expectVisible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

/** What an ERP would do: call the external API with its key. */
function callStock(key: string): Promise<Response> {
  return fetch(`${serve.apiOrigin}/api/external/stock/`, {
    headers: { Authorization: `ApiKey ${key}`, Accept: 'application/json' },
  });
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

describe('Claves API, over gsih serve', () => {
  test('the integrators’ documentation renders at <api>/api/external/docs', async () => {
    const docs = await browser.context.newPage();
    try {
      const response = await docs.goto(`${serve.apiOrigin}/api/external/docs`);
      expect(response?.ok()).toBe(true);
      // The operations come from the OpenAPI document, fetched and rendered by the page.
      await expectVisible(docs.getByText('/api/external/stock/').first());
      await expectVisible(docs.getByText('/api/external/movimientos/').first());
      await browser.screenshot('17-api-docs', { page: docs });
    } finally {
      await docs.close();
    }
  });

  test('opens on an empty list that says what to do, with the API address to copy', async () => {
    await page.goto(serve.uiUrl);
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
    await nav('Claves API').click();
    await expectVisible(page.getByRole('heading', { name: 'Claves API', level: 2 }));
    await expectVisible(page.getByText('Aún no hay claves'));
    await expectVisible(page.getByText(/Cree una clave con «Nueva clave» para cada sistema/));

    const addresses = page.getByRole('list', { name: 'Dirección de la API' });
    await expectVisible(addresses.getByText(`${serve.apiOrigin}/`, { exact: true }));
    await expectVisible(addresses.getByRole('button', { name: `Copiar ${serve.apiOrigin}/` }));
    const docsLink = page.getByRole('link', { name: `${serve.apiOrigin}/api/external/docs` });
    await expect
      .poll(() => docsLink.getAttribute('href'))
      .toBe(`${serve.apiOrigin}/api/external/docs`);
    // The test binds the API to loopback, and the page says what that means for other machines.
    await expectVisible(page.getByText(/La API solo acepta conexiones de este mismo equipo/));
    await browser.screenshot('18-claves-api-vacia');
  });

  test('the form marks a missing nombre and sistema field by field', async () => {
    await page.getByRole('button', { name: 'Nueva clave' }).first().click();
    const modal = dialog('Nueva clave API');
    await modal.getByRole('button', { name: 'Crear clave' }).click();
    await expect.poll(() => modal.getByLabel('Nombre').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => modal.getByLabel('Sistema').getAttribute('aria-invalid')).toBe('true');
    await modal.getByRole('button', { name: 'Cancelar' }).click();
    await modal.waitFor({ state: 'hidden' });
  });

  test('creates a read-only key for the ERP and shows it once, to copy', async () => {
    await page.getByRole('button', { name: 'Nueva clave' }).first().click();
    const modal = dialog('Nueva clave API');
    await modal.getByLabel('Nombre').fill('ERP central');
    await modal.getByLabel('Sistema').fill('ERP');
    // Read scopes come ticked, those that change data do not.
    for (const name of [/^Consultar artículos/, /^Consultar el stock/, /^Consultar movimientos/]) {
      expect(await modal.getByRole('checkbox', { name }).isChecked()).toBe(true);
    }
    for (const name of [
      /^Crear y modificar artículos/,
      /^Registrar movimientos/,
      /^Aprobar movimientos/,
    ]) {
      expect(await modal.getByRole('checkbox', { name }).isChecked()).toBe(false);
    }
    await expect.poll(() => modal.getByLabel('Límite por hora').inputValue()).toBe('1000');
    await browser.screenshot('19-nueva-clave');
    await modal.getByRole('button', { name: 'Crear clave' }).click();

    const created = dialog('Clave creada: cópiela ahora');
    await expectVisible(created.getByText('Solo se muestra esta vez'));
    apiKey = await created.getByLabel('Clave API').inputValue();
    expect(apiKey).toMatch(/^gsih_sk_[0-9A-Za-z]{40,}$/);

    await created.getByRole('button', { name: 'Copiar la clave' }).click();
    await expectVisible(created.getByRole('button', { name: 'Copiada' }));
    // Strings, not functions: this file is type-checked without the DOM library.
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(apiKey);
    await browser.screenshot('20-clave-creada');

    // Escape must not throw away a key that cannot be shown again.
    await page.keyboard.press('Escape');
    await expectVisible(created);
    await created.getByRole('button', { name: 'Ya la he guardado' }).click();
    await created.waitFor({ state: 'hidden' });
  });

  test('afterwards only the prefix is left: the full key is nowhere on the page', async () => {
    const row = keyRow('ERP central');
    await expectVisible(row);
    await expectVisible(row.getByText(`${apiKey.slice(0, 14)}…`, { exact: true }));
    await expectVisible(row.getByText('Activa', { exact: true }));
    await expectVisible(row.getByText('Nunca', { exact: true }));
    await expectVisible(row.getByText('Nunca usada', { exact: true }));
    await expectVisible(row.getByText('Leer stock', { exact: true }));

    expect(await page.content()).not.toContain(apiKey);
    const fieldValues = await page.evaluate<string[]>(
      "[...document.querySelectorAll('input, textarea')].map((field) => field.value)",
    );
    expect(fieldValues.some((value) => value.includes(apiKey))).toBe(false);
  });

  test('the ERP reads the stock with its key, and the list shows the key was used', async () => {
    const response = await callStock(apiKey);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { count: number; results: unknown[] };
    expect(Array.isArray(body.results)).toBe(true);

    // keys/changed refreshes the list: no reload.
    const row = keyRow('ERP central');
    await expect.poll(() => row.getByText('Nunca usada', { exact: true }).count()).toBe(0);
  });

  test('a key created by another client appears without reloading (keys/changed)', async () => {
    await invoke('keys/create', { nombre: 'Informes BI', sistema: 'Informes' });
    await expectVisible(keyRow('Informes BI'));
    await browser.screenshot('21-claves-api-lista');
  });

  test('Registros shows the ERP’s call to /api/external/stock/', async () => {
    await nav('Registros').click();
    const table = page.getByRole('table', { name: 'Registro de integraciones' });
    const call = table
      .getByRole('row')
      .filter({ hasText: '/api/external/stock/' })
      .filter({ hasText: 'ERP' });
    await expectVisible(call.first());
    await browser.screenshot('22-registros-llamada-api');
  });

  test('revoking asks first, and then the ERP gets 401 problem+json', async () => {
    await nav('Claves API').click();
    await keyRow('ERP central')
      .getByRole('button', { name: 'Revocar la clave ERP central' })
      .click();
    const modal = dialog('Revocar la clave «ERP central»');
    await expectVisible(modal.getByText(/recibirá «401 No autorizado» desde su próxima petición/));
    await expectVisible(modal.getByText(/No se puede deshacer/));
    await browser.screenshot('23-revocar-clave');
    await modal.getByRole('button', { name: 'Revocar clave' }).click();
    await modal.waitFor({ state: 'hidden' });

    const row = keyRow('ERP central');
    await expectVisible(row.getByText('Revocada', { exact: true }));
    expect(await row.getByRole('button', { name: /Revocar/ }).count()).toBe(0);

    const response = await callStock(apiKey);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { status: number; title: string };
    expect(problem.status).toBe(401);

    // Hiding the inactive keys leaves only the BI one.
    await page.getByRole('switch', { name: 'Mostrar revocadas y caducadas' }).click();
    await expect.poll(() => keyRow('ERP central').count()).toBe(0);
    await expectVisible(keyRow('Informes BI'));
    await page.getByRole('switch', { name: 'Mostrar revocadas y caducadas' }).click();
    await expectVisible(keyRow('ERP central'));
    await browser.screenshot('24-claves-api-revocada');
  });

  test('Ajustes shows that the API is listening and where', async () => {
    await nav('Ajustes').click();
    const section = page.getByRole('region', { name: 'API externa' });
    const port = new URL(serve.apiOrigin).port;
    await expectVisible(section.getByText(`Escuchando en 127.0.0.1:${port}`));
    await expectVisible(section.getByText(`${serve.apiOrigin}/`, { exact: true }));
    await expectVisible(section.getByRole('button', { name: `Copiar ${serve.apiOrigin}/` }));
    // Started with --api-host/--api-port, so it is not where the saved settings say.
    await expectVisible(
      section.getByText(
        `Ahora escucha en 127.0.0.1:${port}, no en la dirección y el puerto guardados (0.0.0.0:8787)`,
        { exact: false },
      ),
    );
    await browser.screenshot('25-ajustes-api');
  });

  test('the page reads well in English too', async () => {
    await invoke('settings/update', { language: 'en' });
    await nav('API keys').click();
    await expectVisible(page.getByRole('heading', { name: 'API keys', level: 2 }));
    await expectVisible(page.getByRole('table', { name: 'API keys' }).getByText('Revoked'));
    await browser.screenshot('26-api-keys-english');
    await invoke('settings/update', { language: 'es' });
  });
});

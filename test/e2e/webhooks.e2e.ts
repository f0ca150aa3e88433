import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

// Purchasing wants to hear when stock runs low: the staff register its endpoint in Webhooks, the
// running `gsih serve` delivers on its own, failures are retried and can be resent, and an
// endpoint the receiver retires (410) is switched off with a warning on every page. The steps
// share one service, one browser and one receiver, in order.

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that records what it gets and answers what it is told to. */
interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  status: number;
  close(): Promise<void>;
}

const FAILURE_BODY = '{"error":"Receptor en mantenimiento"}';

async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { status: 204 } as Receiver;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.status === 204) {
        response.writeHead(204).end();
      } else {
        response
          .writeHead(receiver.status, { 'Content-Type': 'application/json' })
          .end(FAILURE_BODY);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/gsih/avisos`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  });
}

let serve: ServeProcess;
let browser: BrowserSession;
let page: Page;
let receiver: Receiver;
/** The secret as the dialog showed it after creation. */
let secret = '';

const NOMBRE = 'Compras: reposición';

beforeAll(async () => {
  receiver = await startReceiver();
  serve = await startServe();
  browser = await openBrowser();
  page = browser.page;
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: serve.origin,
  });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await receiver?.close();
});

const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const tab = (name: RegExp) => page.getByRole('tab', { name });
const webhookRow = () =>
  page
    .getByRole('table', { name: 'Webhooks', exact: true })
    .getByRole('row')
    .filter({ hasText: NOMBRE });
const drawer = () => dialog(`Entregas de «${NOMBRE}»`);
const deliveryRows = (evento: string) =>
  drawer()
    .getByRole('table', { name: 'Entregas', exact: true })
    .getByRole('row')
    .filter({ has: page.getByText(evento, { exact: true }) });

async function expectVisible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

async function openMoreActions() {
  await webhookRow()
    .getByRole('button', { name: `Más acciones de «${NOMBRE}»` })
    .click();
}

describe('Webhooks, over gsih serve with a real receiver', () => {
  test('opens on an empty list that explains webhooks and says what to do', async () => {
    await page.goto(serve.uiUrl);
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
    await nav('Webhooks').click();
    await expectVisible(page.getByRole('heading', { name: 'Webhooks', level: 2 }));
    await expectVisible(page.getByText('Aún no hay webhooks'));
    await expectVisible(page.getByText(/avisa automáticamente a otro sistema/));
    await expectVisible(page.getByText(/a los 5 s, 5 min, 30 min, 2 h, 5 h, 10 h y 10 h/));
    await browser.screenshot('27-webhooks-vacia');
  });

  test('the form marks what is missing, then creates the webhook and shows its secret', async () => {
    await page.getByRole('button', { name: 'Nuevo webhook' }).first().click();
    const modal = dialog('Nuevo webhook');
    await modal.getByRole('button', { name: 'Crear webhook' }).click();
    await expect.poll(() => modal.getByLabel('Nombre').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => modal.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    await expectVisible(modal.getByText('Elija al menos un evento'));

    await modal.getByLabel('Nombre').fill(NOMBRE);
    await modal.getByLabel('URL').fill(receiver.url);
    await modal.getByRole('checkbox', { name: /^Stock bajo mínimo/ }).check();
    await expectVisible(modal.getByText(/para que compras reponga/));
    await browser.screenshot('28-nuevo-webhook');
    await modal.getByRole('button', { name: 'Crear webhook' }).click();

    const created = dialog('Webhook creado: guarde el secreto');
    await expectVisible(created.getByText(`El webhook «${NOMBRE}» enviará sus avisos a`));
    secret = await created.getByLabel('Secreto', { exact: true }).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(24);
    await created.getByRole('button', { name: 'Copiar el secreto' }).click();
    await expectVisible(created.getByRole('button', { name: 'Copiada' }));
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await browser.screenshot('29-webhook-secreto');
    await created.getByRole('button', { name: 'Hecho' }).click();
    await created.waitFor({ state: 'hidden' });

    const row = webhookRow();
    await expectVisible(row.getByText('Activo', { exact: true }));
    await expectVisible(row.getByText('Stock bajo mínimo', { exact: true }));
    await expectVisible(row.getByText('Ninguna aún', { exact: true }));
    // Unlike an API key, the secret can be shown again.
    await openMoreActions();
    await page.getByRole('menuitem', { name: 'Mostrar secreto' }).click();
    const shown = dialog(`Secreto de «${NOMBRE}»`);
    await expect.poll(() => shown.getByLabel('Secreto', { exact: true }).inputValue()).toBe(secret);
    await shown.getByRole('button', { name: 'Hecho' }).click();
    await shown.waitFor({ state: 'hidden' });
  });

  test('stock falling below the minimum is delivered to the receiver, signed', async () => {
    await nav('Inventario').click();
    await page.getByRole('button', { name: 'Nuevo artículo' }).first().click();
    const articleModal = dialog('Nuevo artículo');
    await articleModal.getByLabel('Código').fill('VAL-010');
    await articleModal.getByLabel('Nombre').fill('Válvula de bola 1/2"');
    await articleModal.getByLabel('Stock mínimo').fill('10');
    await articleModal.getByRole('button', { name: 'Crear artículo' }).click();
    await articleModal.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Registrar movimiento de VAL-010' }).click();
    const movement = dialog('Registrar movimiento');
    await expect.poll(() => movement.getByLabel('Artículo').inputValue()).toContain('VAL-010');
    await movement.getByLabel('Cantidad').fill('3');
    await movement.getByRole('button', { name: 'Registrar movimiento' }).click();
    await movement.waitFor({ state: 'hidden' });
    await tab(/Pendientes/).click();
    await page
      .getByRole('table', { name: 'Movimientos pendientes' })
      .getByRole('button', { name: /^Aprobar movimiento/ })
      .first()
      .click();
    await expectVisible(page.getByText(/Movimiento n\.º \d+ aprobado/));

    // gsih serve's dispatcher delivers on its own, without anyone pressing anything.
    await expect.poll(() => receiver.requests.length).toBe(1);
    const [delivered] = receiver.requests;
    expect(delivered!.headers['webhook-id']).toMatch(/^evt_/);
    expect(delivered!.headers['webhook-signature']).toMatch(/^v1,/);
    const envelope = JSON.parse(delivered!.body) as { id: string; evento: string; datos: unknown };
    expect(envelope.evento).toBe('stock_bajo');
    expect(envelope.id).toBe(delivered!.headers['webhook-id']);
    expect(JSON.stringify(envelope.datos)).toContain('VAL-010');
    // What the integrator's documentation tells the receiver to check.
    expect(delivered!.headers['x-gsih-signature']).toBe(
      createHmac('sha256', secret).update(delivered!.body).digest('hex'),
    );

    await nav('Webhooks').click();
    await expectVisible(webhookRow().getByText('1 entregada', { exact: true }));
    await browser.screenshot('30-webhooks-lista');
  });

  test('the deliveries view shows the delivery and its attempt', async () => {
    await webhookRow()
      .getByRole('button', { name: `Ver las entregas de «${NOMBRE}»` })
      .click();
    const row = deliveryRows('Stock bajo mínimo');
    await expectVisible(row.getByText('Entregado', { exact: true }));
    await expectVisible(row.getByText(receiver.requests[0]!.headers['webhook-id'] as string));
    await row.getByRole('button', { name: /^Ver u ocultar los intentos/ }).click();
    const attempts = drawer().getByRole('table', { name: /^Intentos de la entrega/ });
    await expectVisible(attempts.getByText('204', { exact: true }));
    // Collapsed again, so the next screenshot is about the test delivery.
    await row.getByRole('button', { name: /^Ver u ocultar los intentos/ }).click();
    await attempts.waitFor({ state: 'hidden' });
  });

  test('a test the receiver answers with 500 is scheduled for a retry, then delivered', async () => {
    receiver.status = 500;
    await drawer()
      .getByRole('button', { name: `Enviar una prueba a «${NOMBRE}»` })
      .click();
    const ping = deliveryRows('Prueba');
    await expectVisible(ping);
    await ping.getByRole('button', { name: /^Ver u ocultar los intentos/ }).click();
    const attempts = drawer().getByRole('table', { name: /^Intentos de la entrega/ });
    await expectVisible(attempts.getByText('500', { exact: true }));
    // Back to normal before the ~5 s retry, so that retry is the one that gets through.
    receiver.status = 204;
    await expectVisible(ping.getByText('Pendiente', { exact: true }));
    await expectVisible(drawer().getByText(/^Siguiente intento:/));
    await expectVisible(attempts.getByText('Receptor en mantenimiento', { exact: false }));
    expect(await ping.getByRole('cell').nth(3).textContent()).toBe('1');
    await browser.screenshot('31-entregas-intentos');

    // The retry, about 5 s later.
    await expectVisible(ping.getByText('Entregado', { exact: true }));
    await expectVisible(attempts.getByText('204', { exact: true }));
    expect(receiver.requests.filter((r) => r.body.includes('"ping"')).length).toBe(2);
  });

  test('«Reenviar» sends a delivered event again, with the same event id', async () => {
    const row = deliveryRows('Stock bajo mínimo');
    const eventId = receiver.requests[0]!.headers['webhook-id'];
    await row.getByRole('button', { name: /^Reenviar la entrega/ }).click();
    await expect
      .poll(() => receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).length)
      .toBe(2);
    await expectVisible(row.getByText('Entregado', { exact: true }));
  });

  test('a receiver that answers 410 is disabled at once, with a warning on every page', async () => {
    receiver.status = 410;
    await drawer()
      .getByRole('button', { name: `Enviar una prueba a «${NOMBRE}»` })
      .click();
    const banner = page
      .getByRole('alert')
      .filter({ hasText: 'Un sistema ha dejado de recibir avisos' });
    await expectVisible(banner);
    await drawer().getByRole('button', { name: 'Cerrar' }).click();
    await drawer().waitFor({ state: 'hidden' });

    await nav('Inventario').click();
    await expectVisible(
      banner.getByText(`El webhook «${NOMBRE}» está desactivado: El receptor respondió 410 Gone`, {
        exact: false,
      }),
    );
    await browser.screenshot('32-aviso-webhook-desactivado');
    await banner.getByRole('button', { name: 'Ir a Webhooks' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Webhooks', level: 2 }));
    const row = webhookRow();
    await expectVisible(row.getByText('Desactivado', { exact: true }));
    await expectVisible(row.getByText(/El receptor respondió 410 Gone/));
    await browser.screenshot('33-webhook-desactivado');

    // The receiver is back; «Activar» re-enables it and the warning goes.
    receiver.status = 204;
    await row.getByRole('button', { name: `Activar «${NOMBRE}»` }).click();
    await expectVisible(row.getByText('Activo', { exact: true }));
    await banner.waitFor({ state: 'hidden' });
  });

  test('rotating the secret says both sign for 24 h and shows the new and the old one', async () => {
    await openMoreActions();
    await page.getByRole('menuitem', { name: 'Rotar secreto' }).click();
    const confirm = dialog(`Rotar el secreto de «${NOMBRE}»`);
    await expectVisible(confirm.getByText(/Durante 24 horas cada aviso se firma/));
    await browser.screenshot('34-rotar-secreto');
    await confirm.getByRole('button', { name: 'Rotar secreto' }).click();

    const rotated = dialog(`Secreto de «${NOMBRE}» rotado`);
    await expect.poll(() => rotated.getByLabel(/^Secreto anterior/).inputValue()).toBe(secret);
    const fresh = await rotated.getByLabel('Secreto nuevo', { exact: true }).inputValue();
    expect(fresh).not.toBe(secret);
    await expectVisible(rotated.getByText(/cada aviso se firma con los dos secretos/));
    await browser.screenshot('35-secreto-rotado');
    await rotated.getByRole('button', { name: 'Hecho' }).click();
    await rotated.waitFor({ state: 'hidden' });
    await expectVisible(webhookRow().getByText(/^Secreto anterior válido hasta/));
  });

  test('disabling by hand raises no warning; deleting asks first', async () => {
    await openMoreActions();
    await page.getByRole('menuitem', { name: 'Desactivar' }).click();
    const row = webhookRow();
    await expectVisible(row.getByText('Desactivado', { exact: true }));
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: 'Un sistema ha dejado de recibir avisos' })
        .count(),
    ).toBe(0);

    await openMoreActions();
    await page.getByRole('menuitem', { name: 'Eliminar' }).click();
    const confirm = dialog(`Eliminar el webhook «${NOMBRE}»`);
    await expectVisible(confirm.getByText(/No se puede deshacer/));
    await confirm.getByRole('button', { name: 'Eliminar webhook' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expectVisible(page.getByText('Aún no hay webhooks'));
  });
});

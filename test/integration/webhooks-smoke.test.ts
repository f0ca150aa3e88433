import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gsihSignature } from '../../src/main/webhooks/signing';
import { makeTestCore, manualClock } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

describe('webhook delivery end to end', () => {
  let core: TestCore;
  let received: Array<{ headers: IncomingMessage['headers']; body: string }>;
  let server: ReturnType<typeof createServer>;
  let url: string;
  // Receivers reject timestamps more than 5 minutes from their own clock.
  const clock = manualClock(new Date().toISOString());

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    core = await makeTestCore({ clock });
  });
  afterEach(async () => {
    await core.cleanup();
    await new Promise((r) => server.close(r));
  });

  it('delivers a stock_bajo raised by an approval, signed both ways', async () => {
    const hook = core.services.webhooks.create({ nombre: 'Compras', url, eventos: ['stock_bajo'] });
    const inv = core.services.inventory;
    const art = inv.createArticle({
      codigo: 'A',
      nombre: 'Tubo',
      material: null,
      diametro: null,
      unidad: 'unidad',
      stock_minimo: 10,
      referencia_externa: null,
    });
    inv.approveMovement(
      inv.createMovement({ tipo: 'ENTRADA', articulo: art.id, cantidad: 3, origen: 'ui' }, 'ui:t')
        .id,
      'ui:t',
    );
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [{ headers: IncomingMessage['headers']; body: string }];
    const payload = new StandardWebhook(hook.secreto).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    }) as { evento: string; datos: Record<string, unknown> };
    expect(payload).toMatchObject({
      evento: 'stock_bajo',
      datos: { cantidad_actual: 3, umbral_minimo: 10, almacen: 'PRINCIPAL' },
    });
    expect(headers['x-gsih-signature']).toBe(gsihSignature(hook.secreto, body));
    expect(headers['content-type']).toBe('application/json');
    expect(
      core.services.webhooks.deliveries({ webhook: hook.id, page: 1, page_size: 10 }).items[0],
    ).toMatchObject({ estado: 'ENTREGADO', intentos: 1, ultimo_status: 204 });
  });

  it('announces delivery progress to open windows at most every 250 ms per endpoint', async () => {
    const hook = core.services.webhooks.create({
      nombre: 'Compras',
      url,
      eventos: ['movimiento_creado'],
    });
    const other = core.services.webhooks.create({ nombre: 'Vacío', url, eventos: ['stock_bajo'] });
    const inv = core.services.inventory;
    const art = inv.createArticle({
      codigo: 'B',
      nombre: 'Codo',
      material: null,
      diametro: null,
      unidad: 'unidad',
      stock_minimo: 0,
      referencia_externa: null,
    });
    for (let i = 0; i < 20; i++)
      inv.createMovement({ tipo: 'ENTRADA', articulo: art.id, cantidad: 1, origen: 'ui' }, 'ui:t');
    const announced: number[] = [];
    const unsubscribe = core.subscribe((m) => {
      if (m.event === 'webhooks/changed') announced.push(m.payload.id);
    });
    expect(await core.dispatcher.runOnce()).toBe(20);
    await new Promise((r) => setTimeout(r, 400));
    unsubscribe();
    expect(announced).toEqual([hook.id]);
    // The list reads every endpoint's counts at once.
    const listed = core.services.webhooks.list({ page: 1, page_size: 10 }).items;
    expect(listed.map((w) => [w.id, w.entregas.ENTREGADO])).toEqual([
      [hook.id, 20],
      [other.id, 0],
    ]);
  });
});

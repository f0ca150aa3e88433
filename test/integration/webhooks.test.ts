import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_TYPES, type EventType, type WebhookDelivery } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';
import { RETRY_DELAYS_MS } from '../../src/main/webhooks/schedule';
import type { DispatcherOptions } from '../../src/main/webhooks/dispatcher';
import { makeTestCore, manualClock } from '../fixtures/core';
import {
  closedPortUrl,
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../fixtures/webhook-receiver';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
type Clock = ReturnType<typeof manualClock>;
type WebhookOptions = Partial<Omit<DispatcherOptions, 'db' | 'clock' | 'log' | 'logger'>>;

const T0 = '2026-11-27T10:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REFUSED = 'Conexión rechazada: el receptor no está escuchando';

/** A simulated start on a whole second of the real clock: receivers check timestamps. */
const realNow = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Ctx {
  core: TestCore;
  clock: Clock;
  receiver: WebhookReceiver;
  disabled: Array<{ id: number; nombre: string; motivo: string }>;
  secrets: string[];
}

async function setup(
  options: { start?: string; webhookOptions?: WebhookOptions; dataDir?: string } = {},
): Promise<Ctx> {
  const clock = manualClock(options.start ?? T0);
  const disabled: Ctx['disabled'] = [];
  const core = await makeTestCore({
    clock,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    // A generous timeout where none is under test: a loaded machine must not turn a slow
    // answer into a failed attempt. Tests of hangs pass a short one.
    webhookOptions: { timeoutMs: 5000, random: () => 0.5, ...options.webhookOptions },
    onWebhookDisabled: (w) => disabled.push(w),
  });
  cleanups.push(() => core.cleanup());
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  return { core, clock, receiver, disabled, secrets: [] };
}

function addHook(
  ctx: Ctx,
  nombre: string,
  eventos: EventType[] = ['movimiento_creado'],
  url = ctx.receiver.url(`/${nombre}`),
) {
  const hook = ctx.core.services.webhooks.create({ nombre, url, eventos });
  ctx.secrets.push(hook.secreto);
  ctx.receiver.setSecrets(...ctx.secrets);
  return hook;
}

/** An endpoint 'h' with `n` movimiento_creado deliveries waiting for it. */
function hookWithQueue(ctx: Ctx, n: number) {
  const hook = addHook(ctx, 'h');
  const a = article(ctx.core, 'A');
  for (let i = 0; i < n; i++) createMovement(ctx.core, a.id);
  return hook;
}

function article(core: TestCore, codigo: string, stock_minimo = 0) {
  return core.services.inventory.createArticle({
    codigo,
    nombre: `Tubo ${codigo}`,
    material: null,
    diametro: null,
    unidad: 'unidad',
    stock_minimo,
    referencia_externa: null,
  });
}

function createMovement(core: TestCore, articulo: number, cantidad = 1) {
  return core.services.inventory.createMovement(
    { tipo: 'ENTRADA', articulo, cantidad, origen: 'ui' },
    'ui:test',
  );
}

interface DeliveryRow {
  id: number;
  webhook_id: number;
  evento_id: string;
  evento: string;
  cuerpo: string;
  estado: string;
  intentos: number;
  proximo_intento: string;
  lease_hasta: string | null;
  lease_owner: string | null;
  fecha_creacion: string;
}

function rows(core: TestCore, webhookId?: number): DeliveryRow[] {
  return (
    webhookId === undefined
      ? core.db.prepare('SELECT * FROM webhook_deliveries ORDER BY id').all()
      : core.db
          .prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id')
          .all(webhookId)
  ) as DeliveryRow[];
}

function delivery(core: TestCore, id: number): WebhookDelivery {
  const found = core.services.webhooks
    .deliveries({ page: 1, page_size: 1000 })
    .items.find((d) => d.id === id);
  if (!found) throw new Error(`no delivery ${id}`);
  return found;
}

/** Moves the clock to the next due attempt and runs the dispatcher, until nothing is pending. */
async function settle(ctx: Ctx, maxSteps = 200): Promise<number> {
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const next = ctx.core.db
      .prepare(
        `SELECT min(d.proximo_intento) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.estado = 'PENDIENTE' AND w.activo = 1`,
      )
      .pluck()
      .get() as string | null;
    if (!next) return steps;
    const ahead = Date.parse(next) - ctx.clock.now().getTime();
    if (ahead > 0) ctx.clock.advance(ahead);
    expect(await ctx.core.dispatcher.runOnce()).toBeGreaterThan(0);
  }
  throw new Error('settle: too many steps');
}

const header = (r: ReceivedRequest, name: string) => String(r.headers[name]);

describe('fan-out: deliveries are created with their event', () => {
  it('one delivery per matching active endpoint, in the same transaction, with the documented envelope', async () => {
    const ctx = await setup({ start: realNow() });
    const { core, receiver } = ctx;
    const stock = addHook(ctx, 'stock', ['stock_bajo', 'movimiento_aprobado']);
    const creados = addHook(ctx, 'creados', ['movimiento_creado']);
    const inactivo = addHook(ctx, 'inactivo', [...EVENT_TYPES]);
    core.services.webhooks.update(inactivo.id, { activo: false });
    const alertas = addHook(ctx, 'alertas', ['alerta_generada', 'stock_bajo']);

    const art = article(core, 'TUB-1', 10);
    const mov = createMovement(core, art.id, 3);
    expect(rows(core).map((r) => [r.webhook_id, r.evento])).toEqual([
      [creados.id, 'movimiento_creado'],
    ]);
    core.services.inventory.approveMovement(mov.id, 'ui:test');
    expect(rows(core, stock.id).map((r) => r.evento)).toEqual([
      'movimiento_aprobado',
      'stock_bajo',
    ]);
    expect(rows(core, alertas.id).map((r) => r.evento)).toEqual(['stock_bajo', 'alerta_generada']);
    expect(rows(core, inactivo.id)).toEqual([]);

    // Every delivery carries its event: same id, same instant, the envelope as stored.
    const events = core.db.prepare('SELECT id, evento, fecha, datos FROM events').all() as Array<{
      id: string;
      evento: string;
      fecha: string;
      datos: string;
    }>;
    expect(events).toHaveLength(4);
    for (const r of rows(core)) {
      const event = events.find((e) => e.id === r.evento_id)!;
      expect(event.evento).toBe(r.evento);
      expect(r.fecha_creacion).toBe(event.fecha);
      expect(JSON.parse(r.cuerpo)).toEqual({
        id: event.id,
        evento: event.evento,
        fecha: event.fecha,
        datos: JSON.parse(event.datos),
      });
    }

    expect(await core.dispatcher.runOnce()).toBe(5);
    expect(receiver.requests).toHaveLength(5);
    const byPath = (path: string) => receiver.requests.filter((r) => r.path === path);
    expect(byPath('/inactivo')).toEqual([]);
    for (const r of receiver.requests) {
      const envelope = r.json as Record<string, unknown>;
      expect(Object.keys(envelope).sort()).toEqual(['datos', 'evento', 'fecha', 'id']);
      expect(envelope.id).toBe(header(r, 'webhook-id'));
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      // Both signatures, with the official library (real-time clock) and the seed's check.
      const secret = { '/stock': stock, '/creados': creados, '/alertas': alertas }[r.path]!.secreto;
      expect(r.standard).toMatchObject({ validFor: [secret], method: 'verify', entries: 1 });
      expect(r.gsih.validFor).toBe(secret);
    }

    const creado = byPath('/creados')[0]!.json as { datos: Record<string, unknown> };
    expect(creado).toMatchObject({
      evento: 'movimiento_creado',
      datos: {
        movimiento: { id: mov.id, tipo: 'ENTRADA', cantidad: 3, estado: 'PENDIENTE' },
        articulo: { id: art.id, codigo: 'TUB-1', nombre: 'Tubo TUB-1' },
      },
    });
    const [aprobado, bajo] = byPath('/stock')
      .map((r) => r.json as { evento: string; datos: Record<string, unknown> })
      .sort((a, b) => a.evento.localeCompare(b.evento));
    expect(aprobado).toMatchObject({
      evento: 'movimiento_aprobado',
      datos: {
        movimiento: { id: mov.id, estado: 'APROBADO', stock_anterior: 0, stock_resultante: 3 },
        articulo: { id: art.id, codigo: 'TUB-1', nombre: 'Tubo TUB-1' },
      },
    });
    expect(bajo!.evento).toBe('stock_bajo');
    expect(bajo!.datos).toEqual({
      articulo: { id: art.id, codigo: 'TUB-1', nombre: 'Tubo TUB-1' },
      cantidad_actual: 3,
      umbral_minimo: 10,
      almacen: 'PRINCIPAL',
    });
    expect(
      byPath('/alertas')
        .map((r) => (r.json as { evento: string }).evento)
        .sort(),
    ).toEqual(['alerta_generada', 'stock_bajo']);
  });

  it('no event without its deliveries, no deliveries without their event', async () => {
    const ctx = await setup();
    const { core } = ctx;
    addHook(ctx, 'h', ['movimiento_creado']);
    const art = article(core, 'A');
    // If the fan-out fails, the movement and its event are not written either.
    core.db.exec(`CREATE TEMP TRIGGER no_fanout BEFORE INSERT ON webhook_deliveries
      BEGIN SELECT RAISE(ABORT, 'fan-out failed'); END`);
    expect(() => createMovement(core, art.id)).toThrow();
    core.db.exec('DROP TRIGGER no_fanout');
    const count = (table: string) =>
      core.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    expect([count('movements'), count('events'), count('webhook_deliveries')]).toEqual([0, 0, 0]);
    createMovement(core, art.id);
    expect([count('movements'), count('events'), count('webhook_deliveries')]).toEqual([1, 1, 1]);
  });

  it('events of a change that was rolled back are never delivered', async () => {
    const ctx = await setup();
    const { core, receiver } = ctx;
    addHook(ctx, 'todo', [...EVENT_TYPES]);
    const art = article(core, 'A', 10);
    const mov = createMovement(core, art.id, 2);
    expect(await core.dispatcher.runOnce()).toBe(1); // movimiento_creado
    const before = receiver.requests.length;

    const outer = core.db.transaction(() => {
      core.services.inventory.approveMovement(mov.id, 'ui:test');
      // Inside: the approval's events and their deliveries exist (aprobado, stock_bajo, alerta).
      expect(rows(core).filter((r) => r.estado === 'PENDIENTE')).toHaveLength(3);
      createMovement(core, art.id, 5);
      throw new Error('later step failed');
    });
    expect(() => outer()).toThrow('later step failed');

    ctx.clock.advance(DAY);
    expect(await core.dispatcher.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(before);
    expect(rows(core)).toHaveLength(1);
    expect(core.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    expect(core.services.inventory.listMovements({ page: 1, page_size: 10 }).items).toMatchObject([
      { id: mov.id, estado: 'PENDIENTE' },
    ]);
  });
});

describe('headers and signatures', () => {
  it('sends the Standard Webhooks headers and X-GSIH-Signature', async () => {
    const ctx = await setup({ start: realNow() });
    const hook = addHook(ctx, 'h');
    const d = ctx.core.services.webhooks.test(hook.id);
    expect(await ctx.core.dispatcher.runOnce()).toBe(1);
    const [r] = ctx.receiver.requests;
    expect(header(r!, 'webhook-id')).toBe(d.evento_id);
    expect(header(r!, 'webhook-id')).toMatch(/^evt_/);
    expect(header(r!, 'webhook-timestamp')).toBe(
      String(Math.floor(ctx.clock.now().getTime() / 1000)),
    );
    expect(header(r!, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(header(r!, 'x-gsih-signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(r!.headers['x-gsih-signature-anterior']).toBeUndefined();
    expect(r!.standard).toEqual({ validFor: [hook.secreto], method: 'verify', entries: 1 });
    expect(r!.gsih).toEqual({ valid: true, validFor: hook.secreto, anteriorValidFor: null });
    expect(header(r!, 'user-agent')).toMatch(/^GSIH-Integraciones-Webhooks\//);
  });

  it('after a rotation both secrets sign for 24 h, then only the new one', async () => {
    const ctx = await setup({ start: realNow() });
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h');
    const old = hook.secreto;
    const rotated = core.services.webhooks.rotateSecret(hook.id);
    expect(rotated.rotacion_hasta).toBe(new Date(clock.now().getTime() + DAY).toISOString());
    expect(core.services.webhooks.get(hook.id).rotacion_hasta).toBe(rotated.rotacion_hasta);
    expect(core.services.webhooks.secret(hook.id)).toEqual({
      secreto: rotated.secreto,
      secreto_anterior: old,
    });
    receiver.setSecrets(rotated.secreto, old);

    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    const during = receiver.requests.at(-1)!;
    expect(during.standard).toEqual({
      validFor: [rotated.secreto, old],
      method: 'verify',
      entries: 2,
    });
    expect(header(during, 'webhook-signature')).toMatch(/^v1,\S+ v1,\S+$/);
    expect(during.gsih).toEqual({
      valid: true,
      validFor: rotated.secreto,
      anteriorValidFor: old,
    });

    clock.advance(DAY - 1000);
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    expect(receiver.requests.at(-1)!.standard).toMatchObject({
      validFor: [rotated.secreto, old],
      entries: 2,
    });

    clock.advance(1000);
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    const after = receiver.requests.at(-1)!;
    expect(after.standard).toMatchObject({ validFor: [rotated.secreto], entries: 1 });
    expect(after.gsih).toEqual({ valid: true, validFor: rotated.secreto, anteriorValidFor: null });
    expect(after.headers['x-gsih-signature-anterior']).toBeUndefined();
    expect(core.services.webhooks.secret(hook.id).secreto_anterior).toBeNull();
    expect(core.services.webhooks.get(hook.id).rotacion_hasta).toBeNull();
  });
});

describe('faults and the retry schedule', () => {
  it('500: retried on the schedule with the same webhook-id, FALLIDO after 8 attempts; history and log record each', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    receiver.mode = { kind: 'status', status: 500, body: 'fallo interno' };
    const hook = addHook(ctx, 'h');
    const d = core.services.webhooks.test(hook.id);
    const start = clock.now().getTime();

    expect(await core.dispatcher.runOnce()).toBe(1);
    for (const delay of RETRY_DELAYS_MS) {
      expect(delivery(core, d.id)).toMatchObject({
        estado: 'PENDIENTE',
        proximo_intento: new Date(clock.now().getTime() + delay).toISOString(),
      });
      clock.advance(delay - 1);
      expect(await core.dispatcher.runOnce()).toBe(0);
      clock.advance(1);
      expect(await core.dispatcher.runOnce()).toBe(1);
    }
    expect(delivery(core, d.id)).toMatchObject({
      estado: 'FALLIDO',
      intentos: 8,
      proximo_intento: null,
      ultimo_status: 500,
      ultimo_error: 'El receptor respondió 500',
      fecha_entrega: null,
    });
    clock.advance(7 * DAY);
    expect(await core.dispatcher.runOnce()).toBe(0);

    // The receiver saw 8 identical, correctly signed bodies under one webhook-id.
    expect(receiver.requests).toHaveLength(8);
    expect(new Set(receiver.requests.map((r) => header(r, 'webhook-id')))).toEqual(
      new Set([d.evento_id]),
    );
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.requests) {
      expect(r.standard.validFor).toEqual([hook.secreto]);
      expect(r.gsih.valid).toBe(true);
    }

    // The attempt history: when, status, response body, duration, error.
    const attempts = core.services.webhooks.attempts(d.id);
    expect(attempts.map((a) => a.numero)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    let expected = start;
    attempts.forEach((a, i) => {
      if (i > 0) expected += RETRY_DELAYS_MS[i - 1]!;
      expect(a).toMatchObject({
        fecha: new Date(expected).toISOString(),
        status: 500,
        cuerpo_respuesta: 'fallo interno',
        error: 'El receptor respondió 500',
      });
      expect(a.duracion_ms).toEqual(expect.any(Number));
      expect(a.duracion_ms).toBeGreaterThanOrEqual(0);
    });
    // The webhook-timestamp of each attempt is the time of that attempt.
    expect(receiver.requests.map((r) => Number(header(r, 'webhook-timestamp')) * 1000)).toEqual(
      attempts.map((a) => Date.parse(a.fecha)),
    );

    // Every attempt is in the integration log.
    core.services.log.flush();
    const log = core.services.log.list({ sistema: 'Webhook h', page: 1, page_size: 50 }).items;
    expect(log).toHaveLength(8);
    expect(log.map((e) => (e.datos_enviados as { intento: number }).intento).sort()).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    for (const e of log) {
      expect(e).toMatchObject({
        tipo: 'webhook ping',
        estado: 'ERROR',
        error: 'El receptor respondió 500',
        datos_enviados: { url: hook.url, evento_id: d.evento_id, evento: 'ping' },
        datos_recibidos: { status: 500, cuerpo: 'fallo interno' },
      });
    }
    expect(core.services.webhooks.get(hook.id)).toMatchObject({
      activo: true,
      fallos_consecutivos: 8,
      fallando_desde: new Date(start).toISOString(),
    });
  });

  it('jitter moves each retry by up to ±10 %', async () => {
    for (const [random, factor] of [
      [0, 0.9],
      [0.999, 1.0998],
    ] as const) {
      const ctx = await setup({ webhookOptions: { random: () => random } });
      ctx.receiver.mode = { kind: 'status', status: 503 };
      const hook = addHook(ctx, 'h');
      ctx.core.services.webhooks.test(hook.id);
      await ctx.core.dispatcher.runOnce();
      const delay = Math.round(5 * 60_000 * factor);
      ctx.clock.advance(Math.round(5000 * factor));
      expect(await ctx.core.dispatcher.runOnce()).toBe(1);
      ctx.clock.advance(delay - 1);
      expect(await ctx.core.dispatcher.runOnce()).toBe(0);
      ctx.clock.advance(1);
      expect(await ctx.core.dispatcher.runOnce()).toBe(1);
    }
  });

  it('keeps only the first 4 KB of a response body', async () => {
    const ctx = await setup();
    const { core, receiver } = ctx;
    const hook = addHook(ctx, 'h');
    receiver.queue(
      { kind: 'status', status: 500, body: 'e'.repeat(10_000) },
      { kind: 'status', status: 200, body: 'o'.repeat(1_000_000) },
    );
    const d = core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    ctx.clock.advance(5000);
    await core.dispatcher.runOnce();
    const attempts = core.services.webhooks.attempts(d.id);
    expect(attempts.map((a) => [a.status, a.cuerpo_respuesta?.length])).toEqual([
      [500, 4096],
      [200, 4096],
    ]);
    expect(attempts[0]!.cuerpo_respuesta).toBe('e'.repeat(4096));
    expect(delivery(core, d.id)).toMatchObject({ estado: 'ENTREGADO', ultimo_status: 200 });
  });

  it('a hang past the timeout is a failed attempt with an error', async () => {
    const ctx = await setup({ webhookOptions: { timeoutMs: 300 } });
    const { core, receiver } = ctx;
    receiver.mode = { kind: 'hang' };
    const hook = addHook(ctx, 'h');
    const d = core.services.webhooks.test(hook.id);
    const started = performance.now();
    expect(await core.dispatcher.runOnce()).toBe(1);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(5000);
    expect(receiver.requests).toHaveLength(1);
    const [attempt] = core.services.webhooks.attempts(d.id);
    expect(attempt).toMatchObject({
      numero: 1,
      status: null,
      cuerpo_respuesta: null,
      error: 'Sin respuesta en 0.3 s',
    });
    expect(attempt!.duracion_ms).toBeGreaterThanOrEqual(280);
    expect(delivery(core, d.id)).toMatchObject({
      estado: 'PENDIENTE',
      intentos: 1,
      ultimo_status: null,
      ultimo_error: 'Sin respuesta en 0.3 s',
      proximo_intento: new Date(Date.parse(T0) + 5000).toISOString(),
    });
  });

  it('a body that trickles past the timeout, a malformed answer and a reset are failures too', async () => {
    const ctx = await setup({ webhookOptions: { timeoutMs: 300 } });
    const { core, receiver } = ctx;
    const hook = addHook(ctx, 'h');
    receiver.queue(
      { kind: 'slowBody', intervalMs: 100, chunks: 30 },
      { kind: 'malformed' },
      { kind: 'reset' },
      { kind: 'status', status: 204 },
    );
    const d = core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    for (const delay of RETRY_DELAYS_MS.slice(0, 3)) {
      ctx.clock.advance(delay);
      expect(await core.dispatcher.runOnce()).toBe(1);
    }
    const attempts = core.services.webhooks.attempts(d.id);
    expect(attempts.map((a) => a.status)).toEqual([null, null, null, 204]);
    expect(attempts[0]!.error).toBe('Sin respuesta en 0.3 s');
    expect(attempts[1]!.error).toEqual(expect.any(String));
    expect(attempts[2]!.error).toEqual(expect.any(String));
    expect(delivery(core, d.id)).toMatchObject({ estado: 'ENTREGADO', intentos: 4 });
    expect(receiver.requests).toHaveLength(4);
  });

  it('a refused connection is a failed attempt', async () => {
    const ctx = await setup();
    const hook = addHook(ctx, 'h', ['movimiento_creado'], await closedPortUrl());
    const d = ctx.core.services.webhooks.test(hook.id);
    expect(await ctx.core.dispatcher.runOnce()).toBe(1);
    expect(ctx.core.services.webhooks.attempts(d.id)).toMatchObject([
      { numero: 1, status: null, error: REFUSED },
    ]);
    expect(delivery(ctx.core, d.id)).toMatchObject({ estado: 'PENDIENTE', ultimo_error: REFUSED });
  });

  it('429 and 503 with Retry-After set the next attempt (seconds or an HTTP date)', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h');
    receiver.queue(
      { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
      {
        kind: 'status',
        status: 503,
        headers: { 'retry-after': new Date(Date.parse(T0) + 120_000 + 600_000).toUTCString() },
      },
      { kind: 'status', status: 204 },
    );
    const d = core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    clock.advance(119_999);
    expect(await core.dispatcher.runOnce()).toBe(0);
    clock.advance(1);
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(delivery(core, d.id).proximo_intento).toBe(
      new Date(Date.parse(T0) + 720_000).toISOString(),
    );
    clock.advance(599_999);
    expect(await core.dispatcher.runOnce()).toBe(0);
    clock.advance(1);
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(core.services.webhooks.attempts(d.id).map((a) => a.status)).toEqual([429, 503, 204]);
    expect(delivery(core, d.id).estado).toBe('ENTREGADO');
  });

  it('410 disables the endpoint at once, with a reason, and tells the staff', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const gone = addHook(ctx, 'gone', ['movimiento_creado']);
    const other = addHook(ctx, 'other', ['movimiento_creado']);
    receiver.mode = { kind: 'status', status: 204 };
    const art = article(core, 'A');
    receiver.queue({ kind: 'status', status: 410 }, { kind: 'status', status: 410 });
    // Two deliveries to the gone endpoint, in flight together.
    core.services.webhooks.test(gone.id);
    core.services.webhooks.test(gone.id);
    expect(await core.dispatcher.runOnce()).toBe(2);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/gone', '/gone']);

    const state = core.services.webhooks.get(gone.id);
    expect(state.activo).toBe(false);
    expect(state.motivo_desactivacion).toMatch(/410/);
    expect(state.desactivado_por).toBe('sistema');
    // The deliveries that got the 410 end failed (resendable), not left waiting on the schedule.
    expect(rows(core, gone.id).map((r) => r.estado)).toEqual(['FALLIDO', 'FALLIDO']);
    // Switching it off by hand is the staff's own decision: no warning for that.
    core.services.webhooks.update(other.id, { activo: false });
    expect(core.services.webhooks.get(other.id).desactivado_por).toBe('personal');
    core.services.webhooks.update(other.id, { activo: true });
    expect(ctx.disabled).toEqual([
      { id: gone.id, nombre: 'gone', motivo: state.motivo_desactivacion },
    ]);

    // Nothing more goes to it; the other endpoint is unaffected.
    createMovement(core, art.id);
    expect(rows(core, gone.id)).toHaveLength(2);
    clock.advance(DAY);
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(receiver.requests.at(-1)!.path).toBe('/other');
    expect(core.services.webhooks.get(other.id).activo).toBe(true);
  });

  it('a redirect is not followed and counts as a failure', async () => {
    const ctx = await setup();
    const { core, receiver } = ctx;
    const hook = addHook(ctx, 'h');
    for (const status of [301, 302, 307, 308]) {
      receiver.queue({
        kind: 'status',
        status,
        headers: { location: receiver.url('/elsewhere') },
      });
      const d = core.services.webhooks.test(hook.id);
      const before = receiver.requests.length;
      expect(await core.dispatcher.runOnce()).toBe(1);
      expect(receiver.requests.slice(before).map((r) => r.path)).toEqual(['/h']);
      expect(delivery(core, d.id)).toMatchObject({
        estado: 'PENDIENTE',
        ultimo_status: status,
        ultimo_error: `El receptor respondió ${status}`,
      });
    }
  });

  it('only 2xx is success', async () => {
    const ctx = await setup();
    const { core, receiver } = ctx;
    const hook = addHook(ctx, 'h');
    const outcomes: Array<[number, string]> = [];
    for (const status of [200, 201, 202, 204, 299, 300, 304, 400, 401, 404, 409, 422, 500, 502]) {
      receiver.queue({ kind: 'status', status, body: status === 304 ? '' : 'x' });
      const d = core.services.webhooks.test(hook.id);
      await core.dispatcher.runOnce();
      outcomes.push([status, delivery(core, d.id).estado]);
    }
    expect(outcomes).toEqual([
      [200, 'ENTREGADO'],
      [201, 'ENTREGADO'],
      [202, 'ENTREGADO'],
      [204, 'ENTREGADO'],
      [299, 'ENTREGADO'],
      [300, 'PENDIENTE'],
      [304, 'PENDIENTE'],
      [400, 'PENDIENTE'],
      [401, 'PENDIENTE'],
      [404, 'PENDIENTE'],
      [409, 'PENDIENTE'],
      [422, 'PENDIENTE'],
      [500, 'PENDIENTE'],
      [502, 'PENDIENTE'],
    ]);
    // A success resets the endpoint's failure streak.
    receiver.queue({ kind: 'status', status: 204 });
    expect(core.services.webhooks.get(hook.id).fallos_consecutivos).toBe(9);
    core.services.webhooks.test(hook.id);
    ctx.clock.advance(1); // the failed ones are not due yet
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(core.services.webhooks.get(hook.id)).toMatchObject({
      fallos_consecutivos: 0,
      fallando_desde: null,
    });
    core.services.log.flush();
    const log = core.services.log.list({ sistema: 'Webhook h', page: 1, page_size: 50 });
    expect(log.total).toBe(15);
    expect(log.items.filter((e) => e.estado === 'OK')).toHaveLength(6);
  });
});

describe('disabling an endpoint that keeps failing', () => {
  it('after 5 days of failures without a success (default)', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h');
    // A failure, then a success: the streak starts again.
    receiver.mode = { kind: 'status', status: 500 };
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    clock.advance(DAY);
    receiver.queue({ kind: 'status', status: 204 });
    await core.dispatcher.runOnce();
    expect(core.services.webhooks.get(hook.id).fallando_desde).toBeNull();

    const since = clock.now().toISOString();
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    expect(core.services.webhooks.get(hook.id).fallando_desde).toBe(since);
    // A ping every 12 h keeps failing; still active just before 5 days.
    for (let i = 0; i < 9; i++) {
      clock.advance(12 * HOUR);
      core.services.webhooks.test(hook.id);
      await core.dispatcher.runOnce();
    }
    clock.advance(5 * DAY - 9 * 12 * HOUR - 1000);
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    expect(core.services.webhooks.get(hook.id).activo).toBe(true);
    expect(ctx.disabled).toEqual([]);

    clock.advance(1000);
    core.services.webhooks.test(hook.id);
    await core.dispatcher.runOnce();
    const state = core.services.webhooks.get(hook.id);
    expect(state.activo).toBe(false);
    expect(state.motivo_desactivacion).toBe(`Falla sin interrupción desde ${since}.`);
    expect(ctx.disabled).toEqual([
      { id: hook.id, nombre: 'h', motivo: state.motivo_desactivacion },
    ]);
    // Re-enabled by the staff: the streak is forgotten.
    expect(core.services.webhooks.update(hook.id, { activo: true })).toMatchObject({
      activo: true,
      motivo_desactivacion: null,
      fallos_consecutivos: 0,
      fallando_desde: null,
    });
  });

  it('after disableAfterMs when configured', async () => {
    const ctx = await setup({ webhookOptions: { disableAfterMs: 60_000 } });
    ctx.receiver.mode = { kind: 'status', status: 500 };
    const hook = addHook(ctx, 'h');
    ctx.core.services.webhooks.test(hook.id);
    await ctx.core.dispatcher.runOnce();
    ctx.clock.advance(59_000);
    await ctx.core.dispatcher.runOnce();
    expect(ctx.core.services.webhooks.get(hook.id).activo).toBe(true);
    ctx.clock.advance(1_000);
    ctx.core.services.webhooks.test(hook.id);
    await ctx.core.dispatcher.runOnce();
    expect(ctx.core.services.webhooks.get(hook.id).activo).toBe(false);
    expect(ctx.disabled).toHaveLength(1);
  });
});

describe('concurrency and leases', () => {
  it('one hanging endpoint does not hold up another', async () => {
    const ctx = await setup({ webhookOptions: { timeoutMs: 1500 } });
    const { core, receiver: slow } = ctx;
    const fast = await startWebhookReceiver();
    cleanups.push(() => fast.close());
    slow.mode = { kind: 'hang' };
    const hung = addHook(ctx, 'hung', ['movimiento_creado']);
    const ok = addHook(ctx, 'ok', ['movimiento_creado'], fast.url('/ok'));
    const art = article(core, 'A');
    for (let i = 0; i < 6; i++) createMovement(core, art.id);

    let finished = false;
    const run = core.dispatcher.runOnce().finally(() => (finished = true));
    // The fast endpoint's six are all delivered while the hung ones are still waiting.
    await vi.waitFor(
      () => expect(rows(core, ok.id).every((r) => r.estado === 'ENTREGADO')).toBe(true),
      { timeout: 1200, interval: 10 },
    );
    expect(fast.requests).toHaveLength(6);
    expect(finished).toBe(false);
    expect(slow.inFlight).toBe(4);
    expect(await run).toBe(12);
    // The hung endpoint: at most 4 at a time (perEndpoint), each a timed-out attempt.
    expect(slow.maxInFlight).toBe(4);
    expect(slow.requests).toHaveLength(6);
    for (const r of rows(core, hung.id)) {
      expect(r).toMatchObject({ estado: 'PENDIENTE', intentos: 1 });
      expect(core.services.webhooks.attempts(r.id)[0]!.error).toBe('Sin respuesta en 1.5 s');
    }
  });

  it('two dispatchers on one data directory never send the same attempt', async () => {
    const sent = { a: 0, b: 0 };
    const a = await setup({
      start: realNow(),
      webhookOptions: { pollMs: 5, maxInFlight: 2, onChange: () => sent.a++ },
    });
    const b = await makeTestCore({
      dataDir: a.core.dataDir,
      clock: a.clock,
      webhookOptions: { timeoutMs: 2000, pollMs: 5, maxInFlight: 2, onChange: () => sent.b++ },
    });
    cleanups.push(() => b.cleanup());
    a.receiver.mode = { kind: 'delay', ms: 20, status: 204 };
    const hook = addHook(a, 'h', ['movimiento_creado']);
    const art = article(a.core, 'A');
    for (let i = 0; i < 40; i++) createMovement(a.core, art.id);

    a.core.dispatcher.start();
    b.dispatcher.start();
    await vi.waitFor(
      () => expect(rows(a.core, hook.id).every((r) => r.estado === 'ENTREGADO')).toBe(true),
      { timeout: 10_000, interval: 20 },
    );
    await Promise.all([a.core.dispatcher.stop(), b.dispatcher.stop()]);

    expect(a.receiver.requests).toHaveLength(40);
    expect(new Set(a.receiver.requests.map((r) => header(r, 'webhook-id'))).size).toBe(40);
    expect(a.core.db.prepare('SELECT count(*) FROM webhook_attempts').pluck().get()).toBe(40);
    expect(rows(a.core, hook.id).every((r) => r.intentos === 1)).toBe(true);
    // Both took part (each holds at most 2 at a time), and the per-endpoint limit of 4 held
    // across the two dispatchers' claims.
    expect(sent.a + sent.b).toBe(40);
    expect(sent.a).toBeGreaterThan(0);
    expect(sent.b).toBeGreaterThan(0);
    expect(a.receiver.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('a claim is a lease: rows in flight are EN_CURSO under one owner until answered', async () => {
    const ctx = await setup({ webhookOptions: { leaseMs: 60_000 } });
    const { core, receiver } = ctx;
    receiver.mode = { kind: 'delay', ms: 500 };
    const hook = addHook(ctx, 'h');
    const d = core.services.webhooks.test(hook.id);
    const run = core.dispatcher.runOnce();
    await vi.waitFor(() => expect(receiver.inFlight).toBe(1));
    expect(rows(core, hook.id)[0]).toMatchObject({
      estado: 'EN_CURSO',
      lease_owner: core.dispatcher.owner,
      lease_hasta: new Date(Date.parse(T0) + 60_000).toISOString(),
    });
    // A second dispatcher on the same database does not take it.
    const other = await makeTestCore({ dataDir: core.dataDir, clock: ctx.clock });
    cleanups.push(() => other.cleanup());
    expect(await other.dispatcher.runOnce()).toBe(0);
    expect(await run).toBe(1);
    expect(rows(core, hook.id)[0]).toMatchObject({ lease_owner: null, lease_hasta: null });
    expect(delivery(core, d.id).estado).toBe('ENTREGADO');
  });

  it("a dispatcher that lost its lease mid-send records nothing: the new holder's attempt counts", async () => {
    const ctx = await setup({ webhookOptions: { leaseMs: 60_000 } });
    const { core, receiver, clock } = ctx;
    receiver.mode = { kind: 'delay', ms: 400, status: 500 };
    const hook = addHook(ctx, 'h');
    const d = core.services.webhooks.test(hook.id);
    const stalled = core.dispatcher.runOnce();
    await vi.waitFor(() => expect(receiver.inFlight).toBe(1));
    // The first process stalls past its lease; another takes the delivery over and delivers it.
    clock.advance(60_000);
    receiver.mode = { kind: 'status', status: 204 };
    const other = await makeTestCore({ dataDir: core.dataDir, clock });
    cleanups.push(() => other.cleanup());
    expect(await other.dispatcher.runOnce()).toBe(1);
    await stalled;
    expect(delivery(core, d.id)).toMatchObject({
      estado: 'ENTREGADO',
      intentos: 1,
      ultimo_status: 204,
    });
    expect(core.services.webhooks.attempts(d.id).map((a) => a.status)).toEqual([204]);
    expect(core.services.webhooks.get(hook.id)).toMatchObject({
      fallos_consecutivos: 0,
      activo: true,
    });
  });

  it('a delivery left EN_CURSO by a process that died is sent again after its lease', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h');
    const d = core.services.webhooks.test(hook.id);
    core.db
      .prepare(
        `UPDATE webhook_deliveries SET estado = 'EN_CURSO', lease_owner = 'otro-equipo:4242:dead',
        lease_hasta = ? WHERE id = ?`,
      )
      .run(new Date(Date.parse(T0) + 30_000).toISOString(), d.id);
    expect(await core.dispatcher.runOnce()).toBe(0);
    clock.advance(29_999);
    expect(await core.dispatcher.runOnce()).toBe(0);
    clock.advance(1);
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(receiver.requests.map((r) => header(r, 'webhook-id'))).toEqual([d.evento_id]);
    expect(delivery(core, d.id)).toMatchObject({ estado: 'ENTREGADO', intentos: 1 });
  });

  it('rows claimed ahead behind an answer that outlived their lease are not sent: whoever took them over sends them once', async () => {
    const ctx = await setup({
      webhookOptions: { timeoutMs: 600, leaseMs: 10_000, perEndpoint: 1 },
    });
    const { core, receiver, clock } = ctx;
    const hook = hookWithQueue(ctx, 6);
    // A quick 2xx makes the slot claim the endpoint's next rows ahead; the next answer hangs.
    receiver.queue({ kind: 'status', status: 204 }, { kind: 'hang' });
    const stalled = core.dispatcher.runOnce();
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(2));
    const heldAhead = rows(core, hook.id).filter(
      (r) => r.estado === 'EN_CURSO' && r.lease_owner === core.dispatcher.owner,
    );
    expect(heldAhead.length).toBeGreaterThan(1);
    // While it hangs, the leases run out and another dispatcher delivers what was held ahead.
    clock.advance(10_000);
    const other = await makeTestCore({ dataDir: core.dataDir, clock });
    cleanups.push(() => other.cleanup());
    expect(await other.dispatcher.runOnce()).toBe(heldAhead.length);
    await stalled;
    // The hung one was sent twice (it was on the wire when its lease ran out); the rows held
    // behind it only by the dispatcher that took them over.
    const hung = header(receiver.requests[1]!, 'webhook-id');
    const times = new Map<string, number>();
    for (const r of receiver.requests)
      times.set(header(r, 'webhook-id'), (times.get(header(r, 'webhook-id')) ?? 0) + 1);
    expect(times.size).toBe(6);
    expect([...times].filter(([id, n]) => n !== (id === hung ? 2 : 1))).toEqual([]);
    expect(rows(core, hook.id).filter((r) => r.estado === 'ENTREGADO')).toHaveLength(6);
  });

  it('disabling an endpoint stops its rows claimed ahead: only the attempt on the wire finishes', async () => {
    const ctx = await setup({ webhookOptions: { perEndpoint: 1 } });
    const { core, receiver } = ctx;
    const hook = hookWithQueue(ctx, 20);
    receiver.mode = { kind: 'delay', ms: 40 };
    const run = core.dispatcher.runOnce();
    await vi.waitFor(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(3));
    expect(
      rows(core, hook.id).filter((r) => r.estado === 'EN_CURSO').length,
      'rows are held ahead',
    ).toBeGreaterThan(1);
    core.services.webhooks.update(hook.id, { activo: false });
    const sentWhenDisabled = receiver.requests.length + receiver.inFlight;
    await run;
    expect(receiver.requests.length).toBeLessThanOrEqual(sentWhenDisabled);
    const left = rows(core, hook.id).filter((r) => r.estado !== 'ENTREGADO');
    expect(left.length).toBe(20 - receiver.requests.length);
    expect(left.every((r) => r.estado === 'PENDIENTE' && r.intentos === 0)).toBe(true);
  });

  it('stopping hands back the rows claimed ahead: the next dispatcher sends them at once', async () => {
    const ctx = await setup({ webhookOptions: { leaseMs: 60_000 } });
    const { core, receiver } = ctx;
    const hook = hookWithQueue(ctx, 30);
    receiver.mode = { kind: 'delay', ms: 30 };
    core.dispatcher.start();
    await vi.waitFor(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(6));
    await core.dispatcher.stop();
    const states = rows(core, hook.id);
    // Nothing stays leased to a stopped dispatcher: sent and recorded, or back in the queue.
    expect(states.filter((r) => r.estado === 'EN_CURSO')).toEqual([]);
    const left = states.filter((r) => r.estado === 'PENDIENTE');
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.intentos === 0 && r.lease_owner === null)).toBe(true);
    expect(receiver.requests).toHaveLength(30 - left.length);
    // The same clock instant: no lease has to run out first.
    const next = await makeTestCore({ dataDir: core.dataDir, clock: ctx.clock });
    cleanups.push(() => next.cleanup());
    expect(await next.dispatcher.runOnce()).toBeGreaterThan(0);
    const sent = receiver.requests.map((r) => header(r, 'webhook-id'));
    expect(sent).toHaveLength(30);
    expect(new Set(sent).size).toBe(30);
  });
});

describe('outage and resending', () => {
  it('a receiver down for a day: the whole schedule, FALLIDO, then resendFailed delivers each with its webhook-id', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h', ['movimiento_creado']);
    const art = article(core, 'A');
    await receiver.down();

    // Three events now and two three hours later.
    for (let i = 0; i < 3; i++) createMovement(core, art.id);
    await core.dispatcher.runOnce();
    await settleUntil(ctx, Date.parse(T0) + 3 * HOUR);
    for (let i = 0; i < 2; i++) createMovement(core, art.id);
    await settle(ctx);

    const deliveries = rows(core, hook.id);
    expect(deliveries).toHaveLength(5);
    for (const r of deliveries) {
      expect(delivery(core, r.id)).toMatchObject({
        estado: 'FALLIDO',
        intentos: 8,
        ultimo_status: null,
        ultimo_error: REFUSED,
      });
      const attempts = core.services.webhooks.attempts(r.id);
      expect(attempts).toHaveLength(8);
      expect(attempts.every((a) => a.error === REFUSED && a.status === null)).toBe(true);
      const gaps = attempts
        .slice(1)
        .map((a, i) => Date.parse(a.fecha) - Date.parse(attempts[i]!.fecha));
      expect(gaps).toEqual(RETRY_DELAYS_MS);
      expect(attempts[0]!.fecha).toBe(r.fecha_creacion);
    }
    expect(clock.now().getTime() - Date.parse(T0)).toBeGreaterThan(DAY);
    expect(receiver.requests).toHaveLength(0);

    await receiver.up();
    clock.advance(HOUR);
    expect(core.services.webhooks.resendFailed(hook.id, {})).toEqual({ reenviadas: 5 });
    expect(await core.dispatcher.runOnce()).toBe(5);
    const ids = deliveries.map((r) => r.evento_id).sort();
    expect(receiver.requests.map((r) => header(r, 'webhook-id')).sort()).toEqual(ids);
    expect(
      (core.db.prepare('SELECT id FROM events ORDER BY id').pluck().all() as string[]).sort(),
    ).toEqual(ids);
    for (const r of receiver.requests) {
      expect(r.body).toBe(deliveries.find((d) => d.evento_id === header(r, 'webhook-id'))!.cuerpo);
      expect(r.standard.validFor).toEqual([hook.secreto]);
      expect(r.gsih.valid).toBe(true);
    }
    for (const r of deliveries) {
      expect(delivery(core, r.id)).toMatchObject({ estado: 'ENTREGADO', intentos: 1 });
      // The history keeps the 8 failed attempts and, last, the one that got through.
      const attempts = core.services.webhooks.attempts(r.id);
      expect(attempts).toHaveLength(9);
      expect(attempts.at(-1)).toMatchObject({ status: 204, error: null });
    }
  });

  it('webhooks/test sends a ping; resend sends a delivered one again with the same event id', async () => {
    const ctx = await setup({ start: realNow() });
    const { core, receiver } = ctx;
    const hook = addHook(ctx, 'h');
    const envelope = await core.dispatch('webhooks/test', { id: hook.id }, { actor: 'ui:test' });
    expect(envelope).toMatchObject({ ok: true, result: { estado: 'PENDIENTE', evento: 'ping' } });
    const d = (envelope as { result: WebhookDelivery }).result;
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(receiver.requests[0]!.json).toEqual({
      id: d.evento_id,
      evento: 'ping',
      fecha: ctx.clock.now().toISOString(),
      datos: { mensaje: 'Prueba de GSIH Integraciones', webhook: { id: hook.id, nombre: 'h' } },
    });
    expect(receiver.requests[0]!.standard.validFor).toEqual([hook.secreto]);

    // Resending a pending one is refused: it is already on its way.
    const pending = core.services.webhooks.test(hook.id);
    expect(() => core.services.webhooks.resend(pending.id)).toThrow(AppError);
    await core.dispatcher.runOnce();

    ctx.clock.advance(60_000);
    expect(core.services.webhooks.resend(d.id)).toMatchObject({
      id: d.id,
      estado: 'PENDIENTE',
      intentos: 0,
      evento_id: d.evento_id,
    });
    expect(await core.dispatcher.runOnce()).toBe(1);
    const again = receiver.requests.at(-1)!;
    expect(header(again, 'webhook-id')).toBe(d.evento_id);
    expect(again.body).toBe(receiver.requests[0]!.body);
    expect(Number(header(again, 'webhook-timestamp'))).toBe(
      Number(header(receiver.requests[0]!, 'webhook-timestamp')) + 60,
    );
    expect(delivery(core, d.id)).toMatchObject({ estado: 'ENTREGADO', intentos: 1 });
    expect(core.services.webhooks.attempts(d.id)).toHaveLength(2);
  });

  it('resendFailed takes only the failed deliveries created within the window', async () => {
    const ctx = await setup();
    const { core, receiver, clock } = ctx;
    const hook = addHook(ctx, 'h');
    const other = addHook(ctx, 'other');
    receiver.mode = { kind: 'status', status: 500 };
    const created: WebhookDelivery[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) clock.advance(2 * HOUR);
      created.push(core.services.webhooks.test(hook.id));
      core.services.webhooks.test(other.id);
      await core.dispatcher.runOnce();
    }
    await settle(ctx);
    expect(rows(core).every((r) => r.estado === 'FALLIDO')).toBe(true);

    const at = (h: number) => new Date(Date.parse(T0) + h * HOUR).toISOString();
    receiver.mode = { kind: 'status', status: 204 };
    expect(core.services.webhooks.resendFailed(hook.id, { desde: at(5), hasta: at(9) })).toEqual({
      reenviadas: 0,
    });
    // Both ends are inclusive.
    expect(core.services.webhooks.resendFailed(hook.id, { desde: at(2), hasta: at(2) })).toEqual({
      reenviadas: 1,
    });
    expect(await core.dispatcher.runOnce()).toBe(1);
    expect(created.map((d) => delivery(core, d.id).estado)).toEqual([
      'FALLIDO',
      'ENTREGADO',
      'FALLIDO',
    ]);
    expect(core.services.webhooks.resendFailed(hook.id, { desde: at(1) })).toEqual({
      reenviadas: 1,
    });
    expect(core.services.webhooks.resendFailed(hook.id, {})).toEqual({ reenviadas: 1 });
    expect(await core.dispatcher.runOnce()).toBe(2);
    expect(created.every((d) => delivery(core, d.id).estado === 'ENTREGADO')).toBe(true);
    // The other endpoint's failures were left alone.
    expect(rows(core, other.id).every((r) => r.estado === 'FALLIDO')).toBe(true);
  });
});

/** Like settle, but stops before `until` (ms), leaving the clock there. */
async function settleUntil(ctx: Ctx, until: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const next = ctx.core.db
      .prepare(`SELECT min(proximo_intento) FROM webhook_deliveries WHERE estado = 'PENDIENTE'`)
      .pluck()
      .get() as string | null;
    if (!next || Date.parse(next) > until) break;
    const ahead = Date.parse(next) - ctx.clock.now().getTime();
    if (ahead > 0) ctx.clock.advance(ahead);
    await ctx.core.dispatcher.runOnce();
  }
  const ahead = until - ctx.clock.now().getTime();
  if (ahead > 0) ctx.clock.advance(ahead);
}

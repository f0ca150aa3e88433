import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { silentLogger } from '../../src/main/logger';
import { PREFETCH } from '../../src/main/webhooks/dispatcher';
import { gsihSignature } from '../../src/main/webhooks/signing';
import { makeTempDir } from '../fixtures/core';

// At-least-once across a crash: `gsih serve` (the built bin/gsih.cjs, a real process) is killed
// with SIGKILL while deliveries are in flight, then started again on the same data directory.
// Every delivery must reach the receiver, with its event id unchanged, and only those that were
// in flight at the kill (EN_CURSO in the database) may arrive twice. The killed process's leases
// (60 s by default) must run out before another process may claim those rows again, so the test
// takes a little over a minute.

const BIN = join(__dirname, '../../bin/gsih.cjs');
const ENDPOINTS = 20;
const EVENTS_PER_ENDPOINT = 250; // 5,000 events, one delivery each
const TOTAL = ENDPOINTS * EVENTS_PER_ENDPOINT;
const KILL_AFTER = 1_500; // received requests before the kill
const RECEIVER_DELAY_MS = 25; // keeps the dispatcher at its in-flight limit
const MAX_IN_FLIGHT = 64; // the dispatcher's default
// Leased rows: each slot may hold up to PREFETCH rows of its endpoint claimed ahead.
const MAX_LEASED = MAX_IN_FLIGHT * PREFETCH;
const LEASE_MS = 25_000; // the dispatcher's default (twice the 10 s timeout + 5 s)

interface Received {
  path: string;
  webhookId: string;
  bodyId: string;
  gsihSignature: string;
  body: string;
}

function startServe(dataDir: string) {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data-dir', dataDir, '--api-host', '127.0.0.1', '--api-port', '0', '--no-ui'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 15_000);
    child.stdout.on('data', () => {
      if (/^API: http:/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`serve exited: ${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

/** Counts by state, read from a short-lived read-only connection (serve may be running). */
function deliveryStates(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db
      .prepare('SELECT estado, count(*) AS n FROM webhook_deliveries GROUP BY estado')
      .all() as Array<{ estado: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.estado, r.n]));
  } finally {
    db.close();
  }
}

describe('webhook delivery across a crash of gsih serve', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let receiver: Server;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    temp = makeTempDir('gsih-webhooks-crash-');
  });
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    temp.cleanup();
  });

  it('delivers every event at least once, duplicates only what was in flight', async () => {
    const dataDir = join(temp.dir, 'datos');
    const dbFile = join(dataDir, 'gsih.db');

    // The receiver: answers 204 after a short delay, and records every request it is sent.
    const received: Received[] = [];
    let onReceived: (count: number) => void = () => {};
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({
          path: req.url ?? '',
          webhookId: String(req.headers['webhook-id']),
          bodyId: (JSON.parse(body) as { id: string }).id,
          gsihSignature: String(req.headers['x-gsih-signature']),
          body,
        });
        onReceived(received.length);
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(204).end();
        }, RECEIVER_DELAY_MS);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    // Seed: 20 endpoints, 250 events each (movimiento_creado). Each endpoint is the only active
    // one while its events are raised, so every event has exactly one delivery.
    const secrets = new Map<number, string>();
    const expected = new Map<string, number>(); // event id → endpoint id
    const seedCore = await createCore({ dataDir, logger: silentLogger });
    try {
      const { webhooks, inventory } = seedCore.services;
      const article = inventory.createArticle({
        codigo: 'TUB-PVC-32',
        nombre: 'Tubo PVC presión 32 mm',
        material: 'PVC',
        diametro: 32,
        unidad: 'm',
        stock_minimo: 0,
        referencia_externa: null,
      });
      for (let e = 0; e < ENDPOINTS; e++) {
        const hook = webhooks.create({
          nombre: `Receptor ${e + 1}`,
          url: `${base}/hook/${e + 1}`,
          eventos: ['movimiento_creado'],
        });
        secrets.set(hook.id, hook.secreto);
        seedCore.db.transaction(() => {
          for (let i = 0; i < EVENTS_PER_ENDPOINT; i++) {
            inventory.createMovement(
              {
                tipo: 'ENTRADA',
                articulo: article.id,
                cantidad: 1 + i,
                referencia: `Albarán ${e}-${i}`,
                origen: 'api',
              },
              'api:test',
            );
          }
        })();
        webhooks.update(hook.id, { activo: false });
      }
      for (const id of secrets.keys()) webhooks.update(id, { activo: true });
      const rows = seedCore.db
        .prepare('SELECT evento_id, webhook_id FROM webhook_deliveries')
        .all() as Array<{ evento_id: string; webhook_id: number }>;
      for (const row of rows) expected.set(row.evento_id, row.webhook_id);
    } finally {
      await seedCore.stop();
    }
    expect(expected.size).toBe(TOTAL);
    expect(deliveryStates(dbFile)).toEqual({ PENDIENTE: TOTAL });

    // First run: killed with SIGKILL once some, not all, deliveries were received.
    const first = startServe(dataDir);
    children.push(first.child);
    const killed = new Promise<void>((resolve) => {
      onReceived = (count) => {
        if (count === KILL_AFTER) {
          first.child.kill('SIGKILL');
          resolve();
        }
      };
    });
    await first.ready;
    const killWithin = 40_000;
    const inTime = await Promise.race([
      killed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), killWithin)),
    ]);
    expect(
      inTime,
      `only ${received.length} of ${KILL_AFTER} deliveries received in ${killWithin / 1000} s ` +
        `(queue: ${JSON.stringify(deliveryStates(dbFile))})`,
    ).toBe(true);
    expect(await first.exited).toBe('SIGKILL');
    const killedAt = Date.now();
    const atKill = deliveryStates(dbFile);
    const inFlight = atKill.EN_CURSO ?? 0;
    const receivedBeforeRestart = received.length;
    expect(receivedBeforeRestart).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(receivedBeforeRestart).toBeLessThan(TOTAL);
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThanOrEqual(MAX_LEASED);
    // Everything the receiver got is either recorded as delivered or still leased.
    expect(atKill.ENTREGADO ?? 0).toBeLessThanOrEqual(receivedBeforeRestart);
    expect((atKill.ENTREGADO ?? 0) + inFlight).toBeGreaterThanOrEqual(receivedBeforeRestart);

    // Second run: delivers the rest, then (once the dead process's leases run out) what was in
    // flight at the kill.
    onReceived = () => {};
    const second = startServe(dataDir);
    children.push(second.child);
    await second.ready;
    const deadline = killedAt + LEASE_MS + 30_000;
    let states = deliveryStates(dbFile);
    while ((states.ENTREGADO ?? 0) < TOTAL && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      states = deliveryStates(dbFile);
    }
    const finishedAfterKillMs = Date.now() - killedAt;
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(states, second.output()).toEqual({ ENTREGADO: TOTAL });

    // Every event reached its endpoint, always under its own id, correctly signed.
    const times = new Map<string, number>();
    for (const r of received) {
      expect(r.webhookId).toBe(r.bodyId);
      const endpoint = expected.get(r.webhookId);
      expect(endpoint, `unexpected event ${r.webhookId}`).toBeDefined();
      expect(r.path).toBe(`/hook/${endpoint}`);
      expect(r.gsihSignature).toBe(gsihSignature(secrets.get(endpoint!)!, r.body));
      times.set(r.webhookId, (times.get(r.webhookId) ?? 0) + 1);
    }
    expect(times.size).toBe(TOTAL);
    const duplicates = received.length - TOTAL;
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    console.log(
      `webhooks-crash: killed after ${receivedBeforeRestart} received, ${inFlight} EN_CURSO at ` +
        `the kill, ${duplicates} duplicates, all ${TOTAL} delivered ` +
        `${(finishedAfterKillMs / 1000).toFixed(1)} s after the kill`,
    );
  }, 150_000);
});

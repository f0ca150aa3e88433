// Webhook delivery throughput, side by side in one run (`npm run bench:webhooks`):
//
//   (a) durable, 1,000 endpoints × 20 events: the built `gsih serve` delivering 20,000 rows of its
//       SQLite queue (claim with a lease, sign, POST with undici, record the attempt, the
//       integration log), each endpoint on its own origin (127.0.0.1, its own port);
//   (b) durable, 1 endpoint × 20,000 events: the same, one endpoint, so at most 4 requests in
//       flight (the dispatcher's per-endpoint limit);
//   (c) plain: a loop of undici POSTs of the same bodies, signed the same way, no persistence, to
//       the same endpoints at the concurrency each durable case can reach: to the 1,000 endpoints
//       at 64 (the dispatcher's max in flight) against (a), to the one endpoint at 4 (the
//       per-endpoint limit) against (b). Also printed, for reference only: the loop at 64 to one
//       origin (until 2026-11-28 this was (a)'s comparison, which then measured opening
//       connections to 1,000 origins against 64 to one, not the cost of persistence).
//
// The receiver is a node:http server in its own child process (one listening socket per endpoint
// origin) answering 204 with no body; it counts distinct `webhook-id`s and notes the time of the
// first and the last request. A durable case's rate is the deliveries ÷ the time from the first to
// the last request the receiver got (start-up of `gsih serve` is not counted); after it every row
// must be ENTREGADO. The queue is seeded straight into a data directory made by the built CLI
// (`gsih status` creates and migrates it): the same webhook and delivery rows the outbox's fan-out
// writes (an envelope { id, evento, fecha, datos } of a movimiento_aprobado), so the benchmark
// measures delivery, not the inventory service.
//
// Targets: each durable case ≥ 2,000 deliveries/s, and ≥ 0.5 × the plain loop at its concurrency.
//
//   node bench/webhooks.bench.mjs [--cases a,b,c] [--timeout S] [--same-origin] [--profile] [--check]
//
// `--timeout` bounds each durable case (default 120 s; a case that does not finish reports what it
// delivered in that time). `--same-origin` puts (a)'s 1,000 endpoints on one origin (different
// paths), as when one receiving server hosts many endpoints. `--profile` runs `gsih serve` under
// `node --cpu-prof` and prints where its CPU time went per case. `--check` exits 1 when a target
// does not hold. Plain Node ESM (Node 20 cannot strip types): `gsih` is the build in out/ (run
// `npm run build` first; `npm run bench:webhooks` does).

import { fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { failWith, printProfile, processCpuSeconds, run, startServe, stop } from './support.mjs';

const fail = failWith('bench:webhooks');

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const GSIH = join(ROOT, 'bin', 'gsih.cjs');
const PER_ENDPOINT = 4; // the dispatcher's defaults
const MAX_IN_FLIGHT = 64;
const TARGET_RATE = 2_000;
const TARGET_RATIO = 0.5;

// ---- child: the receiver ------------------------------------------------------------------------

if (process.argv[2] === '--receiver') {
  const origins = Number(process.argv[3]);
  let count = 0;
  let first = 0;
  let last = 0;
  let ids = new Set();
  const handler = (req, res) => {
    req.resume();
    req.on('end', () => {
      const now = performance.now();
      if (count === 0) first = now;
      last = now;
      count++;
      ids.add(req.headers['webhook-id']);
      res.writeHead(204).end();
    });
  };
  const ports = [];
  for (let i = 0; i < origins; i++) {
    const server = createServer({ keepAliveTimeout: 30_000 }, handler);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push(server.address().port);
  }
  process.on('message', (message) => {
    if (message === 'reset') {
      count = 0;
      first = last = 0;
      ids = new Set();
      process.send({ reset: true });
    } else if (message === 'stats') {
      process.send({ count, unique: ids.size, seconds: (last - first) / 1000 });
    }
  });
  process.send({ ports });
  process.once('SIGTERM', () => process.exit(0));
} else {
  await main();
}

// ---- the benchmark ------------------------------------------------------------------------------

async function main() {
  const { values: args } = parseArgs({
    options: {
      cases: { type: 'string', default: 'a,b,c' },
      timeout: { type: 'string', default: '120' },
      'same-origin': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const cases = new Set(args.cases.split(','));
  const timeoutMs = Number(args.timeout) * 1000;
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    fail('out/main/cli.js is missing: run `npm run build` first (npm run bench:webhooks does).');
  }
  const { default: Database } = await import('better-sqlite3');
  const { Agent, request } = await import('undici');

  const work = mkdtempSync(join(tmpdir(), 'gsih-bench-webhooks-'));
  const children = [];
  const stopAll = () => children.forEach((child) => child.exitCode === null && child.kill());
  process.once('exit', () => {
    stopAll();
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  });
  const guard = setTimeout(
    () => {
      console.error('bench:webhooks: took too long, stopping');
      stopAll();
      process.exit(1);
    },
    3 * timeoutMs + 300_000,
  ).unref();

  try {
    const receiver = await startReceiver(args['same-origin'] ? 1 : 1000);
    children.push(receiver.child);
    console.log(
      `bench:webhooks — receiver answers 204; ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    );

    const results = {};
    const bodies = (n, prefix) => Array.from({ length: n }, (_, i) => envelope(prefix, i));
    const origin = (i) =>
      `http://127.0.0.1:${receiver.ports[i % receiver.ports.length]}/webhooks/gsih/${i + 1}`;

    if (cases.has('a')) {
      const urls = Array.from({ length: 1000 }, (_, i) => origin(i));
      results.a = await durable(
        Database,
        receiver,
        `(a) durable, 1,000 endpoints × 20${args['same-origin'] ? ', one origin' : ''}`,
        urls,
        20,
        { work, name: 'a', timeoutMs, profile: args.profile, children },
      );
    }
    if (cases.has('b')) {
      results.b = await durable(
        Database,
        receiver,
        '(b) durable, 1 endpoint × 20,000',
        [origin(0)],
        20_000,
        { work, name: 'b', timeoutMs, profile: args.profile, children },
      );
    }
    if (cases.has('c')) {
      const list = bodies(20_000, 'plain');
      // Against (a): the same 1,000 endpoints (origins), 20 POSTs each, taken in turn so that
      // consecutive requests go to different endpoints (each needs about one connection, the
      // cheapest order for the loop). Against (b): one endpoint.
      const endpoints = Array.from({ length: args['same-origin'] ? 1 : 1000 }, (_, i) => origin(i));
      results.c64 = await plain(Agent, request, receiver, endpoints, list, MAX_IN_FLIGHT);
      results.c4 = await plain(Agent, request, receiver, [origin(0)], list, PER_ENDPOINT);
      // For reference, not a target: the loop at 64 to one origin (64 connections in all).
      if (!args['same-origin'])
        results.c64one = await plain(Agent, request, receiver, [origin(0)], list, MAX_IN_FLIGHT);
    }

    console.log('');
    console.table(
      Object.fromEntries(
        Object.entries(results).map(([key, r]) => [
          r.label ?? key,
          {
            deliveries: r.delivered,
            of: r.total,
            seconds: Number(r.seconds.toFixed(2)),
            'deliveries/s': Math.round(r.rate),
            'serve CPU':
              r.cpu === null || r.cpu === undefined ? 'n/a' : `${Math.round(r.cpu * 100)} %`,
            // Start-up included: the figure to compare between builds on a shared machine, where
            // the rates move with whatever else runs.
            'serve CPU µs/delivery':
              r.cpuSeconds === null || r.cpuSeconds === undefined
                ? 'n/a'
                : Math.round((r.cpuSeconds * 1e6) / r.delivered),
            finished: r.finished ? 'yes' : 'NO',
          },
        ]),
      ),
    );
    let ok = true;
    const verdict = (label, holds, detail) => {
      ok &&= holds;
      console.log(`target ${label}: ${holds ? 'HOLDS' : 'FAILS'} (${detail})`);
    };
    for (const [key, plainKey] of [
      ['a', 'c64'],
      ['b', 'c4'],
    ]) {
      const r = results[key];
      if (!r) continue;
      verdict(
        `(${key}) ≥ ${TARGET_RATE} deliveries/s`,
        r.finished && r.rate >= TARGET_RATE,
        `${Math.round(r.rate)}/s${r.finished ? '' : `, only ${r.delivered} of ${r.total} in ${args.timeout} s`}`,
      );
      const p = results[plainKey];
      if (p) {
        const ratio = r.rate / p.rate;
        console.log(`ratio (${key}) / ${p.label.slice(4)}: ${ratio.toFixed(2)} ×`);
        verdict(
          `(${key}) ≥ ${TARGET_RATIO} × ${p.label.slice(4)}`,
          r.finished && ratio >= TARGET_RATIO,
          `${ratio.toFixed(2)} ×`,
        );
      }
    }
    if (results.a && results.c64one)
      console.log(
        `for reference: (a) / ${results.c64one.label.slice(4)}: ` +
          `${(results.a.rate / results.c64one.rate).toFixed(2)} ×`,
      );
    if (args.profile) {
      for (const key of ['a', 'b'])
        if (results[key]?.profileDir)
          printProfile(`(${key}) gsih serve`, results[key].profileDir, {
            areas: 12,
            functions: 20,
          });
    }
    if (args.check && !ok) process.exitCode = 1;
  } finally {
    clearTimeout(guard);
    stopAll();
  }
}

/** One durable case: seed a fresh data dir, run `gsih serve` until the receiver has them all. */
async function durable(Database, receiver, label, urls, perEndpoint, options) {
  const dataDir = join(options.work, options.name);
  await run(process.execPath, [GSIH, 'status', '--data-dir', dataDir]);
  const total = urls.length * perEndpoint;
  process.stdout.write(`${label}: seeding ${total} deliveries… `);
  const file = join(dataDir, 'gsih.db');
  seed(Database, file, urls, perEndpoint);
  await receiver.call('reset');
  const profileDir = options.profile ? join(options.work, `profile-${options.name}`) : null;
  const started = performance.now();
  const serve = startServe(GSIH, dataDir, { profileDir, timeoutMs: options.timeoutMs });
  options.children.push(serve.child);
  const cpuBefore = processCpuSeconds(serve.child.pid);
  try {
    await serve.ready;
  } catch (error) {
    // The dispatcher runs on the same event loop as the API: a slow claim delays its start.
    const wall = (performance.now() - started) / 1000;
    const stats = await receiver.call('stats');
    console.log(`did not finish: ${error.message.split('\n')[0]}`);
    await stop(serve.child);
    return {
      label,
      total,
      delivered: stats.unique,
      seconds: wall,
      rate: stats.unique / wall,
      finished: false,
      cpu: null,
      profileDir,
    };
  }
  process.stdout.write(
    `delivering (serve up in ${((performance.now() - started) / 1000).toFixed(1)} s)… `,
  );
  let stats = await receiver.call('stats');
  while (stats.unique < total && performance.now() - started < options.timeoutMs) {
    await sleep(100);
    stats = await receiver.call('stats');
  }
  const cpuAfter = processCpuSeconds(serve.child.pid);
  const wall = (performance.now() - started) / 1000;
  await stop(serve.child);
  const finished = stats.unique >= total;
  const db = new Database(file, { readonly: true });
  const states = Object.fromEntries(
    db
      .prepare('SELECT estado, count(*) AS n FROM webhook_deliveries GROUP BY estado')
      .all()
      .map((r) => [r.estado, r.n]),
  );
  db.close();
  if (finished && states.ENTREGADO !== total) {
    fail(`${label}: the receiver has them all but the queue says ${JSON.stringify(states)}`);
  }
  const seconds = finished ? stats.seconds : wall;
  const rate = finished ? total / stats.seconds : stats.unique / wall;
  console.log(
    `${Math.round(rate)} deliveries/s` +
      (finished ? '' : ` (did not finish: ${stats.unique} of ${total} in ${wall.toFixed(0)} s)`) +
      (stats.count > stats.unique ? `, ${stats.count - stats.unique} sent twice` : ''),
  );
  return {
    label,
    total,
    delivered: stats.unique,
    seconds,
    rate,
    finished,
    cpu: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / wall,
    cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    profileDir,
  };
}

/** The rows the outbox's fan-out writes, one endpoint per URL, straight into the queue. */
function seed(Database, file, urls, perEndpoint) {
  const db = new Database(file);
  const now = new Date().toISOString();
  const hook = db.prepare(`INSERT INTO webhooks (nombre, url, eventos, secreto, fecha_creacion,
    fecha_actualizacion) VALUES (?, ?, '["movimiento_aprobado"]', ?, ?, ?)`);
  const delivery = db.prepare(`INSERT INTO webhook_deliveries (webhook_id, evento_id, evento,
    cuerpo, estado, proximo_intento, fecha_creacion)
    VALUES (?, ?, 'movimiento_aprobado', ?, 'PENDIENTE', ?, ?)`);
  db.transaction(() => {
    urls.forEach((url, e) => {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const id = Number(hook.run(`Receptor ${e + 1}`, url, secret, now, now).lastInsertRowid);
      for (let i = 0; i < perEndpoint; i++) {
        const body = envelope(`e${e}`, i);
        delivery.run(id, JSON.parse(body).id, body, now, now);
      }
    });
  })();
  db.close();
}

/** A movimiento_aprobado envelope, shaped as the outbox writes it (about 800 bytes). */
function envelope(prefix, i) {
  const fecha = new Date().toISOString();
  const id = `evt_${Date.now().toString(36)}${randomBytes(10).toString('hex')}`;
  const articulo = {
    id: 1 + (i % 200),
    codigo: `TUB-PVC-${String(i % 200).padStart(3, '0')}`,
    nombre: 'Tubo PVC presión 32 mm',
    material: 'PVC',
    diametro: 32,
    unidad: 'm',
    stock_minimo: 50,
    referencia_externa: `ERP-${100000 + (i % 200)}`,
    fecha_creacion: fecha,
    fecha_actualizacion: fecha,
  };
  const cantidad = 10 + (i % 400);
  const movimiento = {
    id: i + 1,
    tipo: 'ENTRADA',
    articulo: articulo.id,
    codigo: articulo.codigo,
    nombre: articulo.nombre,
    cantidad,
    almacen: 'PRINCIPAL',
    referencia: `Albarán ${prefix}-${i}`,
    fecha,
    estado: 'APROBADO',
    origen: 'api',
    creado_por: 'api:BENCH',
    aprobado_por: 'api:BENCH',
    fecha_aprobacion: fecha,
    motivo_rechazo: null,
    stock_anterior: 120,
    stock_resultante: 120 + cantidad,
  };
  return JSON.stringify({
    id,
    evento: 'movimiento_aprobado',
    fecha,
    datos: { movimiento, articulo },
  });
}

/** (c): the same bodies POSTed and signed like the dispatcher does, nothing stored. */
async function plain(Agent, request, receiver, urls, list, concurrency) {
  const label =
    `(c) plain undici loop, concurrency ${concurrency}` +
    (urls.length > 1 ? `, ${urls.length.toLocaleString('en')} endpoints` : ', 1 endpoint');
  process.stdout.write(`${label}: `);
  await receiver.call('reset');
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const key = Buffer.from(secret.slice(6), 'base64');
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < list.length) {
      const url = urls[next % urls.length];
      const body = list[next++];
      const id = body.slice(7, body.indexOf('"', 7));
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        signal: AbortSignal.timeout(10_000),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'GSIH-Integraciones-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
          'X-GSIH-Signature': createHmac('sha256', secret).update(body).digest('hex'),
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await dispatcher.close();
  const stats = await receiver.call('stats');
  if (errors || stats.unique !== list.length)
    fail(`${label}: ${errors} errors, ${stats.unique} received`);
  const rate = list.length / stats.seconds;
  console.log(`${Math.round(rate)} requests/s`);
  return {
    label,
    total: list.length,
    delivered: stats.unique,
    seconds: stats.seconds,
    rate,
    finished: true,
    cpu: null,
    concurrency,
  };
}

async function startReceiver(origins) {
  const child = fork(fileURLToPath(import.meta.url), ['--receiver', String(origins)], {
    stdio: 'inherit',
  });
  const { ports } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
  });
  let pending = null;
  child.on('message', (message) => {
    const resolve = pending;
    pending = null;
    resolve?.(message);
  });
  return {
    child,
    ports,
    call(message) {
      return new Promise((resolve) => {
        pending = resolve;
        child.send(message);
      });
    },
  };
}

/** utime + stime of a process from /proc (Linux); null elsewhere. */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

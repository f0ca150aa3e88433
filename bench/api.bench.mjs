// External API throughput, side by side in one run (`npm run bench:api`):
//
//   real  the built `gsih serve` (createCore + the Fastify API: key auth, per-key rate limit,
//         zod validation and serialisation, SQLite, the integration log), on a temp data dir
//         seeded through the API with 200 articles, each with stock;
//   bare  a bare Fastify server answering the same route with the same bytes, pre-serialised.
//
// Each server runs in its own child process on 127.0.0.1 and autocannon loads it from this one
// (so the load generator never shares an event loop with the server it measures): 50
// connections, a warm-up, then the measured run, against `GET /api/external/stock/?page_size=50`.
// Targets: real ≥ 0.5 × bare requests/s, and real p99 latency < 20 ms.
//
//   node bench/api.bench.mjs [--duration S] [--warmup S] [--connections N] [--profile] [--check]
//
// `--profile` also runs both servers under `node --cpu-prof` and prints where their CPU time went
// (self time by package and by function). `--check` exits 1 when a target does not hold; without
// it the run only fails when it is invalid (errors, timeouts or non-2xx answers).
// Plain Node ESM (Node 20 cannot strip types): the real server is the build in out/ (run
// `npm run build` first; `npm run bench:api` does).

import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { failWith, printProfile, processCpuSeconds, run, startServe, stop } from './support.mjs';

const fail = failWith('bench:api');

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const GSIH = join(ROOT, 'bin', 'gsih.cjs');
const PATH = '/api/external/stock/?page_size=50';
const ARTICLES = 200;
const SCOPES = ['articulos:write', 'stock:read', 'movimientos:write', 'movimientos:aprobar'];
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 20;

// ---- child: the bare Fastify server -------------------------------------------------------------

if (process.argv[2] === '--bare-server') {
  const { default: Fastify } = await import('fastify');
  process.once('message', async ({ body }) => {
    const app = Fastify({ logger: false });
    app.get('/api/external/stock/', (_request, reply) => {
      reply.type('application/json; charset=utf-8').send(body);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send({ port: app.server.address().port });
    process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
  });
} else {
  await main();
}

// ---- the benchmark ------------------------------------------------------------------------------

async function main() {
  const { values: args } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      profile: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const duration = Number(args.duration);
  const warmup = Number(args.warmup);
  const connections = Number(args.connections);
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    fail('out/main/cli.js is missing: run `npm run build` first (npm run bench:api does).');
  }
  const { default: autocannon } = await import('autocannon');

  const dataDir = mkdtempSync(join(tmpdir(), 'gsih-bench-api-'));
  const profileDir = join(dataDir, 'cpu-profile');
  const children = [];
  const stopAll = () => children.forEach((child) => child.exitCode === null && child.kill());
  // Also on fail() (process.exit): no server and no temp dir outlive the run.
  process.once('exit', () => {
    stopAll();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  // Never outlive a stuck run: everything is over well within this.
  const guard = setTimeout(
    () => {
      console.error('bench:api: took too long, stopping');
      stopAll();
      process.exit(1);
    },
    (2 * (duration + warmup) + 120) * 1000,
  ).unref();

  try {
    // (a) the real API: a key that may do what the seeding needs, with a limit no run reaches.
    const created = JSON.parse(
      await run(process.execPath, [
        GSIH,
        'keys',
        'create',
        '--nombre',
        'Benchmark',
        '--sistema',
        'BENCH',
        '--scopes',
        SCOPES.join(','),
        '--limite-hora',
        '1000000',
        '--json',
        '--data-dir',
        dataDir,
      ]),
    );
    const auth = { authorization: `ApiKey ${created.clave}` };
    const serve = startServe(GSIH, dataDir, { profileDir: args.profile ? profileDir : null });
    const real = { child: serve.child, url: await serve.ready };
    children.push(real.child);
    await seed(real.url, auth);

    const sample = await fetch(`${real.url}${PATH}`, { headers: auth });
    const body = await sample.text();
    if (sample.status !== 200) fail(`real API answered ${sample.status}: ${body.slice(0, 300)}`);
    const page = JSON.parse(body);
    if (page.count !== ARTICLES || page.results.length !== 50) {
      fail(`unexpected stock page: count ${page.count}, ${page.results.length} results`);
    }

    // (b) the bare server, with (a)'s answer held in memory.
    const bare = await startBare(body, args.profile ? join(profileDir, 'bare') : null);
    children.push(bare.child);

    console.log(
      `bench:api — GET ${PATH} (${Buffer.byteLength(body)} bytes), ${connections} connections, ` +
        `${warmup} s warm-up + ${duration} s each, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    );
    const options = { connections, duration, warmup: { connections, duration: warmup } };
    const bareResult = await measure(autocannon, 'bare Fastify', bare, {
      ...options,
      url: `${bare.url}${PATH}`,
    });
    const realResult = await measure(autocannon, 'real API', real, {
      ...options,
      url: `${real.url}${PATH}`,
      headers: auth,
    });

    const ratio = realResult.rps / bareResult.rps;
    const throughputOk = ratio >= TARGET_RATIO;
    const latencyOk = realResult.p99 < TARGET_P99_MS;
    console.log('');
    console.table({
      'bare Fastify': row(bareResult),
      'real API': row(realResult),
    });
    console.log(`ratio real/bare: ${ratio.toFixed(2)} × (requests/s)`);
    console.log(
      `target real ≥ ${TARGET_RATIO} × bare: ${throughputOk ? 'HOLDS' : 'FAILS'} (${ratio.toFixed(2)})`,
    );
    console.log(
      `target real p99 < ${TARGET_P99_MS} ms: ${latencyOk ? 'HOLDS' : 'FAILS'} (${realResult.p99} ms)`,
    );

    await stop(bare.child);
    await stop(real.child);
    if (args.profile) {
      printProfile('bare Fastify', join(profileDir, 'bare'));
      printProfile('real API', profileDir);
    }
    if (args.check && !(throughputOk && latencyOk)) process.exitCode = 1;
  } finally {
    clearTimeout(guard);
    stopAll();
  }
}

function row(r) {
  return {
    'requests/s': Math.round(r.rps),
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'max ms': r.max,
    'server CPU': r.serverCpu === null ? 'n/a' : `${Math.round(r.serverCpu * 100)} %`,
    // CPU time per answer: comparable even when something else shares the machine.
    'server µs/req': r.serverCpu === null ? 'n/a' : Math.round((r.serverCpu / r.rps) * 1e6),
    'load CPU': `${Math.round(r.loadCpu * 100)} %`,
  };
}

/** One autocannon run; refuses a run with errors or non-2xx answers (e.g. a rate limit). */
async function measure(autocannon, name, server, options) {
  process.stdout.write(`${name}: warming up and measuring… `);
  let cpuBefore = null;
  let loadBefore = null;
  let started = 0;
  const instance = autocannon(options);
  // Count CPU from the end of the warm-up (autocannon emits 'start' for the measured run).
  instance.on('start', () => {
    cpuBefore = processCpuSeconds(server.child.pid);
    loadBefore = process.cpuUsage();
    started = performance.now();
  });
  const result = await instance;
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = processCpuSeconds(server.child.pid);
  const load = process.cpuUsage(loadBefore);
  if (result.errors || result.timeouts || result.non2xx) {
    fail(
      `${name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`,
    );
  }
  console.log(`${Math.round(result.requests.average)} requests/s`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    serverCpu: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / wall,
    loadCpu: (load.user + load.system) / 1e6 / wall,
  };
}

async function startBare(body, profileDir) {
  const child = fork(fileURLToPath(import.meta.url), ['--bare-server'], {
    stdio: 'inherit',
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
    child.send({ body });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** 200 articles, each with an approved ENTRADA, some below their minimum: through the API. */
async function seed(base, auth) {
  const post = async (path, payload) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: payload === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await response.text();
    if (!response.ok) fail(`seeding: POST ${path} → ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const one = async (i) => {
    const article = await post('/api/external/articulos/', {
      codigo: `BEN-${String(i).padStart(4, '0')}`,
      nombre: `Tubo PVC presión ${16 + (i % 12) * 4} mm`,
      material: ['PVC', 'PE', 'Acero', 'Cobre'][i % 4],
      diametro: 16 + (i % 12) * 4,
      unidad: 'm',
      stock_minimo: 50,
      referencia_externa: `ERP-${100000 + i}`,
    });
    const movement = await post('/api/external/movimientos/', {
      tipo: 'ENTRADA',
      articulo: article.id,
      cantidad: 10 + ((i * 37) % 400),
      referencia: `Albarán ${i}`,
    });
    await post(`/api/external/movimientos/${movement.id}/aprobar/`);
  };
  for (let i = 1; i <= ARTICLES; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => one(i + j)));
  }
}

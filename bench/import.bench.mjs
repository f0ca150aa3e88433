// CSV import, side by side in one run (`npm run bench:import`):
//
//   gsih     the built `gsih import FILE --tipo articulos --json` on a fresh data directory: the
//            worker thread reads the file (encoding, delimiter and number detection, per-row
//            validation), stages it, checks repeated codes and references, inserts the articles
//            in one transaction with the history row, and checkpoints the WAL; the process's
//            start-up and shutdown are counted too;
//   sqlite3  Debian's sqlite3 command line (`/usr/bin/sqlite3`), `.import` of the same bytes
//            (no decoding, no number parsing, no validation) into a table of the same shape: the
//            file's seven columns with the keys and indexes `articles` has on them (UNIQUE
//            codigo, nombre, UNIQUE referencia_externa), WAL, synchronous=NORMAL; and, for scale,
//            into the same seven columns with no index at all;
//   floor    what writing `articles` itself costs, in C and without reading the file: sqlite3
//            copies the rows, already staged and typed in a scratch file (untimed), into a data
//            directory made by gsih (its own schema) the way gsih's import does: the indexes but
//            the code's dropped and built again, sampled statistics, one commit and the
//            checkpoint. No importer of this schema does better on this machine, before it has
//            started its process or read a byte.
//
// The file is generated: a Spanish Excel export of articles (`;`, decimal commas with thousands
// points, accented headers and names, CRLF), Windows-1252 by default, about 60 bytes a row.
//
// Then the API while importing: a fresh data directory served by `gsih serve` (API on
// 127.0.0.1, no UI), seeded with 200 articles and their stock through `gsih import`, and a key.
// autocannon asks `GET /api/external/stock/?page_size=50` at a fixed rate (coordinated omission
// corrected: a stalled server shows as latency) for a few seconds alone, then again for as long
// as `gsih import` of the big file runs beside it on the same data directory.
//
// Targets: gsih ≤ 2 × sqlite3 (same shape) in time, ≥ 200,000 rows/s end to end, peak RSS
// < 300 MB; API p99 < 100 ms while importing.
//
//   node bench/import.bench.mjs [--rows N] [--encoding windows-1252|utf-8] [--rate R]
//                               [--skip-api] [--check]
//
// Peak RSS is the process's VmHWM and CPU its utime + stime, read from /proc while it runs.
// `--check` exits 1 when a target does not hold. Plain Node ESM (Node 20 cannot strip types):
// `gsih` is the build in out/ (run `npm run build` first; `npm run bench:import` does).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeArticlesCsv } from '../test/fixtures/articles-csv.mjs';
import { failWith, measured, run, stop } from './support.mjs';

const fail = failWith('bench:import');

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const GSIH = join(ROOT, 'bin', 'gsih.cjs');
const SQLITE3 = '/usr/bin/sqlite3';
const STOCK_PATH = '/api/external/stock/?page_size=50';
const TARGET_RATIO = 2;
const TARGET_ROWS_PER_S = 200_000;
const TARGET_RSS_MB = 300;
const TARGET_API_P99_MS = 100;

// The columns of the file, with the keys and indexes `articles` has on them.
const SAME_SHAPE = `CREATE TABLE articles (codigo TEXT NOT NULL, nombre TEXT NOT NULL, material TEXT,
  diametro REAL, unidad TEXT, stock_minimo REAL, referencia_externa TEXT);
CREATE UNIQUE INDEX articles_codigo ON articles (codigo);
CREATE INDEX articles_nombre ON articles (nombre);
CREATE UNIQUE INDEX articles_referencia_externa ON articles (referencia_externa)
  WHERE referencia_externa IS NOT NULL;`;
const BARE = `CREATE TABLE articles (codigo TEXT, nombre TEXT, material TEXT, diametro TEXT,
  unidad TEXT, stock_minimo TEXT, referencia_externa TEXT);`;

await main();

async function main() {
  const { values: args } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      encoding: { type: 'string', default: 'windows-1252' },
      rate: { type: 'string', default: '500' },
      'skip-api': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const rows = Number(args.rows);
  const rate = Number(args.rate);
  if (!Number.isInteger(rows) || rows < 1) fail('--rows must be a positive integer');
  if (args.encoding !== 'windows-1252' && args.encoding !== 'utf-8')
    fail('--encoding must be windows-1252 or utf-8');
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    fail('out/main/cli.js is missing: run `npm run build` first (npm run bench:import does).');
  }
  if (!existsSync(SQLITE3)) fail(`${SQLITE3} is missing: apt-get install -y sqlite3`);

  const work = mkdtempSync(join(tmpdir(), 'gsih-bench-import-'));
  const children = [];
  process.once('exit', () => {
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  });
  const guard = setTimeout(() => {
    console.error('bench:import: took too long, stopping');
    process.exit(1);
  }, 600_000).unref();

  try {
    const csv = join(work, 'articulos.csv');
    const started = performance.now();
    const bytes = await writeArticlesCsv(csv, { rows, encoding: args.encoding });
    console.log(
      `bench:import — ${rows.toLocaleString('en')} articles, ${(bytes / 1e6).toFixed(1)} MB ` +
        `${args.encoding} (generated in ${((performance.now() - started) / 1000).toFixed(1)} s), ` +
        `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.versions.node}, ${(await run(SQLITE3, ['--version'])).split(' ').slice(0, 1)} sqlite3`,
    );

    const shape = await sqliteImport('sqlite3 .import (same shape)', work, csv, SAME_SHAPE);
    const bare = await sqliteImport('sqlite3 .import (no index)', work, csv, BARE);
    const floor = await sqliteFinalTable(work, csv);
    const gsih = await gsihImport(work, csv);
    if (gsih.report.estado !== 'COMPLETADA' || gsih.report.creados !== rows) {
      fail(`gsih import did not import every row: ${JSON.stringify(gsih.report).slice(0, 500)}`);
    }

    console.log('');
    console.table({
      [shape.name]: row(shape, rows),
      [bare.name]: row(bare, rows),
      [floor.name]: row(floor, rows),
      'gsih import': row(gsih, rows),
    });
    const phases = Object.entries(gsih.report.fases_ms ?? {})
      .map(([fase, ms]) => `${fase} ${(ms / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(
      `gsih import: ${(gsih.report.duracion_ms / 1000).toFixed(1)} s in its worker (${phases}); ` +
        `the rest is the process starting and stopping`,
    );
    console.log(
      `floor: sqlite3 writes gsih's articles from staged rows in ${floor.seconds.toFixed(1)} s, ` +
        `at most ${Math.round(rows / floor.seconds).toLocaleString('en')} rows/s for any importer ` +
        `of this schema here before it starts a process or reads the file ` +
        `(${TARGET_ROWS_PER_S.toLocaleString('en')} rows/s is ${(rows / TARGET_ROWS_PER_S).toFixed(1)} s in all)`,
    );
    const ratio = gsih.seconds / shape.seconds;
    const rowsPerS = rows / gsih.seconds;
    const checks = [
      [
        `gsih ≤ ${TARGET_RATIO} × sqlite3 (same shape)`,
        ratio <= TARGET_RATIO,
        `${ratio.toFixed(2)} ×`,
      ],
      [
        `gsih ≥ ${TARGET_ROWS_PER_S.toLocaleString('en')} rows/s`,
        rowsPerS >= TARGET_ROWS_PER_S,
        `${Math.round(rowsPerS).toLocaleString('en')} rows/s`,
      ],
      [`gsih peak RSS < ${TARGET_RSS_MB} MB`, gsih.rssMb < TARGET_RSS_MB, `${gsih.rssMb} MB`],
    ];
    console.log(
      `ratio gsih/sqlite3: ${ratio.toFixed(2)} × (same shape), ${(gsih.seconds / bare.seconds).toFixed(2)} × (no index)`,
    );

    if (!args['skip-api']) {
      const api = await apiWhileImporting(work, csv, rate, children);
      console.log('');
      console.table({
        [`API alone, ${api.alone.seconds.toFixed(0)} s`]: apiRow(api.alone),
        [`API while importing, ${api.during.seconds.toFixed(1)} s`]: apiRow(api.during),
      });
      console.log(
        `(GET ${STOCK_PATH} at ${rate} requests/s from 10 connections; the import beside it took ` +
          `${api.importSeconds.toFixed(1)} s and ${api.importReport.estado})`,
      );
      checks.push([
        `API p99 < ${TARGET_API_P99_MS} ms while importing`,
        api.during.p99 < TARGET_API_P99_MS,
        `${api.during.p99} ms`,
      ]);
    }
    console.log('');
    for (const [label, holds, value] of checks) {
      console.log(`target ${label}: ${holds ? 'HOLDS' : 'FAILS'} (${value})`);
    }
    if (args.check && checks.some(([, holds]) => !holds)) process.exitCode = 1;
  } finally {
    clearTimeout(guard);
  }
}

function row(r, rows) {
  return {
    'wall s': Number(r.seconds.toFixed(2)),
    'rows/s': Math.round(rows / r.seconds).toLocaleString('en'),
    'peak RSS MB': r.rssMb,
    CPU: r.cpu === null ? 'n/a' : `${Math.round((r.cpu / r.seconds) * 100)} %`,
  };
}

function apiRow(r) {
  return {
    requests: r.total,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'max ms': r.max,
    'non-2xx': r.non2xx,
    errors: r.errors,
  };
}

/** Runs `script` in sqlite3 on `db`, timed; prints the time and the count it ends with. */
async function timedSqlite(name, db, script) {
  process.stdout.write(`${name}… `);
  const result = await measured(SQLITE3, [db], { input: script });
  if (result.code !== 0) fail(`${name}: sqlite3 exited ${result.code}: ${result.err}`);
  console.log(`${result.seconds.toFixed(2)} s (${result.out.trim().split('\n').at(-1)} rows)`);
  return result;
}

async function sqliteImport(name, work, csv, schema) {
  const db = join(work, `sqlite3-${Date.now()}.db`);
  const script = [
    'PRAGMA journal_mode = WAL;',
    'PRAGMA synchronous = NORMAL;',
    schema,
    '.mode csv',
    '.separator ";"',
    `.import --skip 1 ${csv} articles`,
    'SELECT count(*) FROM articles;',
  ].join('\n');
  const result = await timedSqlite(name, db, script);
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  return { name, ...result };
}

/**
 * The floor (see the top): the file staged and typed by sqlite3 (untimed), then, timed, copied
 * into `articles` of a data directory made by gsih, as gsih's import writes it.
 */
async function sqliteFinalTable(work, csv) {
  const name = 'sqlite3 writing articles (floor)';
  const dataDir = join(work, 'sqlite3-floor');
  await run(process.execPath, [GSIH, 'status', '--data-dir', dataDir]);
  const db = join(dataDir, 'gsih.db');
  const staged = join(work, 'sqlite3-staged.db');
  // Decimal commas with thousands points, as the file has them, to numbers.
  const number = (column) => `CAST(replace(replace(${column}, '.', ''), ',', '.') AS REAL)`;
  const staging = await measured(SQLITE3, [staged], {
    input: [
      `CREATE TABLE raw (codigo, nombre, material, diametro, unidad, stock_minimo, referencia);`,
      '.mode csv',
      '.separator ";"',
      `.import --skip 1 ${csv} raw`,
      `CREATE TABLE stage (line INTEGER PRIMARY KEY, codigo TEXT NOT NULL, nombre TEXT NOT NULL,
         material TEXT, diametro REAL, unidad TEXT, stock_minimo REAL, referencia_externa TEXT);`,
      `INSERT INTO stage SELECT rowid + 1, codigo, nombre, nullif(material, ''),
         ${number("nullif(diametro, '')")}, nullif(unidad, ''), ${number("nullif(stock_minimo, '')")},
         nullif(referencia, '') FROM raw;`,
      'DROP TABLE raw;',
    ].join('\n'),
  });
  if (staging.code !== 0) fail(`${name}: staging failed: ${staging.err}`);
  const indexes = JSON.parse(
    await run(SQLITE3, [
      '-json',
      db,
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'articles' AND sql IS NOT NULL",
    ]),
  );
  const fecha = new Date().toISOString();
  const script = [
    'PRAGMA synchronous = NORMAL;',
    'PRAGMA cache_size = -32768;',
    `ATTACH '${staged}' AS s;`,
    'BEGIN IMMEDIATE;',
    ...indexes.map(({ name: index }) => `DROP INDEX "${index}";`),
    `INSERT INTO articles (codigo, nombre, material, diametro, unidad, stock_minimo,
       referencia_externa, fecha_creacion, fecha_actualizacion)
     SELECT codigo, nombre, material, diametro, coalesce(unidad, 'unidad'),
       coalesce(stock_minimo, 0), referencia_externa, '${fecha}', '${fecha}'
     FROM s.stage WHERE true ORDER BY line ON CONFLICT (codigo) DO NOTHING;`,
    'PRAGMA cache_size = -8192;',
    ...indexes.map(({ sql }) => `${sql};`),
    'PRAGMA analysis_limit = 400;',
    'ANALYZE main;',
    'COMMIT;',
    'SELECT count(*) FROM articles;',
  ].join('\n');
  const result = await timedSqlite(name, db, script);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staged, { force: true });
  return { name, ...result };
}

/** `gsih import` of the articles file into `dataDir`, with the JSON report. */
function importArgs(csv, dataDir) {
  return [GSIH, 'import', csv, '--tipo', 'articulos', '--json', '--data-dir', dataDir];
}

async function gsihImport(work, csv) {
  const dataDir = join(work, 'gsih-solo');
  process.stdout.write('gsih import… ');
  const result = await measured(process.execPath, importArgs(csv, dataDir));
  if (result.code !== 0) fail(`gsih import exited ${result.code}: ${result.err}`);
  console.log(`${result.seconds.toFixed(2)} s`);
  rmSync(dataDir, { recursive: true, force: true });
  return { name: 'gsih import', ...result, report: JSON.parse(result.out) };
}

async function apiWhileImporting(work, csv, rate, children) {
  const { default: autocannon } = await import('autocannon');
  const dataDir = join(work, 'gsih-api');
  // A key whose own hourly limit no run reaches.
  const key = JSON.parse(
    await run(process.execPath, [
      GSIH,
      'keys',
      'create',
      '--nombre',
      'Benchmark',
      '--sistema',
      'BENCH',
      '--limite-hora',
      '1000000',
      '--json',
      '--data-dir',
      dataDir,
    ]),
  );
  // 200 articles with stock, so the page has 50 real rows.
  const seedArticles = join(work, 'semilla.csv');
  const seedStock = join(work, 'semilla-stock.csv');
  const codes = Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(4, '0')}`);
  writeFileSync(
    seedArticles,
    `codigo;nombre;stock minimo\r\n${codes.map((c, i) => `${c};Semilla ${i};${i % 50}`).join('\r\n')}\r\n`,
  );
  writeFileSync(
    seedStock,
    `codigo;almacen;cantidad\r\n${codes.map((c, i) => `${c};PRINCIPAL;${(i * 37) % 400}`).join('\r\n')}\r\n`,
  );
  for (const [file, tipo] of [
    [seedArticles, 'articulos'],
    [seedStock, 'stock'],
  ]) {
    await run(process.execPath, [GSIH, 'import', file, '--tipo', tipo, '--data-dir', dataDir]);
  }

  const serve = spawn(
    process.execPath,
    [GSIH, 'serve', '--data-dir', dataDir, '--api-host', '127.0.0.1', '--api-port', '0', '--no-ui'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(serve);
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve(match[1]);
    };
    serve.stdout.on('data', onData);
    serve.stderr.on('data', onData);
    serve.once('exit', (code) => reject(new Error(`gsih serve exited (${code}): ${output}`)));
    setTimeout(() => reject(new Error(`gsih serve did not start: ${output}`)), 30_000).unref();
  });
  const headers = { authorization: `ApiKey ${key.clave}` };
  const sample = await fetch(`${url}${STOCK_PATH}`, { headers });
  const page = await sample.json();
  if (sample.status !== 200 || page.results?.length !== 50) {
    fail(`stock page: ${sample.status} ${JSON.stringify(page).slice(0, 300)}`);
  }

  const options = { url: `${url}${STOCK_PATH}`, headers, connections: 10, overallRate: rate };
  process.stdout.write(`\nAPI alone… `);
  const alone = await load(autocannon, { ...options, duration: 5 });
  console.log(`p99 ${alone.p99} ms`);

  process.stdout.write('API while gsih import runs beside it… ');
  const instance = autocannon({ ...options, duration: 600 });
  const finished = new Promise((resolve) => instance.once('done', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const imported = await measured(process.execPath, importArgs(csv, dataDir));
  // A little past the end: the first requests after the commit recompute what was cached.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  instance.stop();
  const during = summarise(await finished);
  console.log(`p99 ${during.p99} ms`);
  if (imported.code !== 0)
    fail(`gsih import beside serve exited ${imported.code}: ${imported.err}`);
  await stop(serve);
  return {
    alone,
    during,
    importSeconds: imported.seconds,
    importReport: JSON.parse(imported.out),
  };
}

async function load(autocannon, options) {
  return summarise(await autocannon(options));
}

function summarise(result) {
  return {
    seconds: result.duration,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

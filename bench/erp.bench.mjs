// ERP pull (`npm run bench:erp`): the built `gsih erp sync --tipo articulos` pulling 100,000
// articles from the fake ERP of the tests (test/fixtures/fake-erp.ts) in pages of 1,000, each in
// its own process on 127.0.0.1, on a fresh data directory:
//
//   first pull   every article is new: per page, one HTTP request (the next one is asked for
//                while this one is applied), JSON parsing, mapping and validation, and one write
//                transaction with the articles and their ledger rows; the watermark at the end;
//   second pull  the same 100,000 again (all within the overlap): every record is compared with
//                its ledger row and found unchanged, nothing is written.
//
// Records per second are end to end: the process's wall time, its start-up (opening and
// migrating the database) and shutdown included; the run's own duration is printed beside it.
// Peak RSS is the process's VmHWM and CPU its utime + stime, read from /proc while it runs.
//
// Target: ≥ 20,000 records/s for the first pull.
//
//   node bench/erp.bench.mjs [--articulos N] [--pagina N] [--check]
//
// Plain Node ESM, and Node 20 cannot strip types: `gsih` is the build in out/ (run `npm run
// build` first; `npm run bench:erp` does), and the fake ERP, TypeScript that imports only Node's
// built-ins, is transpiled to a temporary .mjs with the TypeScript compiler's transpileModule
// (types removed, nothing checked) and run as its own process.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { failWith, measured, processCpuSeconds, stop } from './support.mjs';

const fail = failWith('bench:erp');

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const GSIH = join(ROOT, 'bin', 'gsih.cjs');
const FAKE_ERP = join(ROOT, 'test', 'fixtures', 'fake-erp.ts');
const TOKEN = 'bench-token-erp';
const TARGET_RECORDS_PER_S = 20_000;

await main();

async function main() {
  const { values: args } = parseArgs({
    options: {
      articulos: { type: 'string', default: '100000' },
      pagina: { type: 'string', default: '1000' },
      check: { type: 'boolean', default: false },
    },
  });
  const articles = Number(args.articulos);
  const pageSize = Number(args.pagina);
  if (!Number.isInteger(articles) || articles < 1) fail('--articulos must be a positive integer');
  if (!Number.isInteger(pageSize) || pageSize < 1) fail('--pagina must be a positive integer');
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    fail('out/main/cli.js is missing: run `npm run build` first (npm run bench:erp does).');
  }

  const work = mkdtempSync(join(tmpdir(), 'gsih-bench-erp-'));
  const children = [];
  process.once('exit', () => {
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  });
  const guard = setTimeout(() => {
    console.error('bench:erp: took too long, stopping');
    process.exit(1);
  }, 600_000).unref();

  try {
    const erp = await startFakeErp(work, articles, pageSize, children);
    console.log(
      `bench:erp — ${articles.toLocaleString('en')} articles in pages of ${pageSize.toLocaleString('en')} ` +
        `from the fake ERP (REST, next links, Bearer) at ${erp.url}; ` +
        `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.versions.node}`,
    );
    const dataDir = join(work, 'datos');
    const configured = await measured(process.execPath, [
      GSIH,
      'erp',
      'configurar',
      '--url',
      erp.url,
      '--perfil',
      'rest',
      '--token',
      TOKEN,
      '--tamano-pagina',
      String(pageSize),
      '--data-dir',
      dataDir,
    ]);
    if (configured.code !== 0)
      fail(`gsih erp configurar exited ${configured.code}: ${configured.err}`);

    const first = await pull('first pull', dataDir);
    if (first.report.estado !== 'COMPLETADA' || first.report.creados !== articles) {
      fail(
        `the first pull did not create every article: ${JSON.stringify(first.report).slice(0, 600)}`,
      );
    }
    const second = await pull('second pull', dataDir);
    if (second.report.estado !== 'COMPLETADA' || second.report.sin_cambios !== articles) {
      fail(`the second pull was not all unchanged: ${JSON.stringify(second.report).slice(0, 600)}`);
    }
    const erpCpu = processCpuSeconds(erp.child.pid);

    console.log('');
    console.table({
      'first pull (all new)': row(first, articles),
      'second pull (all unchanged)': row(second, articles),
    });
    console.log(
      `(the fake ERP process used ${erpCpu === null ? 'n/a' : `${erpCpu.toFixed(1)} s`} of CPU serving both; ` +
        `pages requested: ${first.report.detalle.articulos.paginas} and ${second.report.detalle.articulos.paginas})`,
    );
    const rate = articles / first.seconds;
    const holds = rate >= TARGET_RECORDS_PER_S;
    console.log('');
    console.log(
      `target first pull ≥ ${TARGET_RECORDS_PER_S.toLocaleString('en')} records/s end to end: ` +
        `${holds ? 'HOLDS' : 'FAILS'} (${Math.round(rate).toLocaleString('en')} records/s)`,
    );
    if (args.check && !holds) process.exitCode = 1;
    await stop(erp.child);
  } finally {
    clearTimeout(guard);
  }
}

function row(r, records) {
  const runSeconds = r.report.duracion_ms / 1000;
  return {
    'wall s': Number(r.seconds.toFixed(2)),
    'records/s': Math.round(records / r.seconds).toLocaleString('en'),
    'in-run s': Number(runSeconds.toFixed(2)),
    'in-run records/s': Math.round(records / runSeconds).toLocaleString('en'),
    'peak RSS MB': r.rssMb,
    CPU: r.cpu === null ? 'n/a' : `${Math.round((r.cpu / r.seconds) * 100)} %`,
  };
}

async function pull(name, dataDir) {
  process.stdout.write(`${name}… `);
  const result = await measured(process.execPath, [
    GSIH,
    'erp',
    'sync',
    '--tipo',
    'articulos',
    '--json',
    '--data-dir',
    dataDir,
  ]);
  if (result.code !== 0) fail(`gsih erp sync exited ${result.code}: ${result.err}`);
  console.log(`${result.seconds.toFixed(2)} s`);
  return { ...result, report: JSON.parse(result.out) };
}

/** The fake ERP, transpiled to plain JS, in its own process; resolves with its address. */
async function startFakeErp(work, articles, pageSize, children) {
  const source = readFileSync(FAKE_ERP, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: 'fake-erp.ts',
  });
  const file = join(work, 'fake-erp.mjs');
  writeFileSync(file, outputText);
  const child = spawn(
    process.execPath,
    [file, '--articulos', String(articles), '--pagina', String(pageSize), '--token', TOKEN],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`the fake ERP exited ${code}`)));
  });
  return { url: JSON.parse(line).url, child };
}

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDigest } from '../fixtures/digest';
import { makeTempDir } from '../fixtures/core';
import { articleCode, writeArticlesCsv } from '../fixtures/articles-csv.mjs';

// All or nothing across a crash: `gsih import` of 1,000,000 articles (the built bin/gsih.cjs, a
// real process) is killed with SIGKILL while its worker is inside the write transaction (the
// WAL is growing with the rows it is writing). The database must be exactly as before, every
// table and every row, and pass integrity_check; the next import must succeed, take over the
// lock the dead process left, clean its scratch files and record the interrupted import as
// FALLIDA. About 15-25 s: two imports of a million rows.

const BIN = join(__dirname, '../../bin/gsih.cjs');
const ROWS = 1_000_000;
// The rows written so far, in WAL frames: past this, the kill lands mid-transaction.
const KILL_AT_WAL_BYTES = 40 * 1024 * 1024;

function gsih(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('an import killed mid-way', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let csv: string;
  const database = () => join(dataDir, 'gsih.db');

  beforeAll(async () => {
    temp = makeTempDir();
    dataDir = join(temp.dir, 'datos');
    csv = join(temp.dir, 'articulos.csv');
    await writeArticlesCsv(csv, { rows: ROWS });
    // Data that must survive: articles (two of them also in the big file), stock, an alert.
    const small = join(temp.dir, 'pocos.csv');
    writeFileSync(
      small,
      `codigo;nombre;stock minimo\r\n${articleCode(1)};Ya existía;10\r\n${articleCode(2)};También;0\r\nX-1;Otro;0\r\n`,
    );
    expect(gsih(['import', small, '--tipo', 'articulos', '--data-dir', dataDir]).code).toBe(0);
    const count = join(temp.dir, 'recuento.csv');
    writeFileSync(
      count,
      `codigo;almacen;cantidad\r\n${articleCode(1)};PRINCIPAL;3\r\nX-1;NAVE;7\r\n`,
    );
    expect(gsih(['import', count, '--tipo', 'stock', '--data-dir', dataDir]).code).toBe(0);
  }, 60_000);
  afterAll(() => temp.cleanup());

  it('leaves the database exactly as before, and the next import succeeds', async () => {
    const before = contentDigest(database());
    const child = spawn(
      process.execPath,
      [BIN, 'import', csv, '--tipo', 'articulos', '--data-dir', dataDir],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    const wal = `${database()}-wal`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (existsSync(wal) && statSync(wal).size > KILL_AT_WAL_BYTES) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(child.exitCode).toBeNull(); // still running: the kill is mid-way
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // It left its lock and its staging file behind, as a crash does.
    expect(existsSync(join(dataDir, 'imports', 'importacion.lock'))).toBe(true);
    expect(readdirSync(join(dataDir, 'imports')).some((f) => f.includes('-preparacion.db'))).toBe(
      true,
    );
    const db = new Database(database());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(contentDigest(database())).toBe(before);

    const again = gsih(['import', csv, '--tipo', 'articulos', '--json', '--data-dir', dataDir]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      id: 4,
      estado: 'COMPLETADA',
      total: ROWS,
      creados: ROWS - 2,
      actualizados: 2,
      rechazados: 0,
    });
    const after = new Database(database(), { readonly: true });
    try {
      expect(after.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(ROWS + 1);
      expect(after.prepare('SELECT id, estado, error FROM imports ORDER BY id').all()).toEqual([
        { id: 1, estado: 'COMPLETADA', error: null },
        { id: 2, estado: 'COMPLETADA', error: null },
        {
          id: 3,
          estado: 'FALLIDA',
          error: expect.stringMatching(
            /^Interrumpida: el proceso que la ejecutaba \(PID \d+\) terminó antes de acabar/,
          ),
        },
        { id: 4, estado: 'COMPLETADA', error: null },
      ]);
    } finally {
      after.close();
    }
    // Every import here was clean (no rejected-rows reports): the lock and the scratch files of
    // the dead process are gone too.
    expect(readdirSync(join(dataDir, 'imports'))).toEqual([]);
  }, 300_000);
});

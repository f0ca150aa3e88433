import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gsih } from '../fixtures/cli';
import { makeTempDir } from '../fixtures/core';
import { articleId, startFakeErp, type FakeErp } from '../fixtures/fake-erp';

// `gsih erp configurar | sync | estado`: in-process for output and exit codes, and as real
// processes (the built bin/gsih.cjs) for what only processes show: a run killed with SIGKILL,
// and a sync beside a running `gsih serve`. The fake ERP runs in this test's process, so the
// children are spawned asynchronously (a synchronous spawn would stop it answering).

const BIN = join(__dirname, '../../bin/gsih.cjs');

function runGsih(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

async function waitFor(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('gsih erp', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let erp: FakeErp;
  beforeEach(async () => {
    temp = makeTempDir();
    dataDir = join(temp.dir, 'datos');
    erp = await startFakeErp({ auth: { kind: 'bearer', token: 'tok-cli-secreto' } });
  });
  afterEach(async () => {
    await erp.close();
    temp.cleanup();
  });

  const configure = (...extra: string[]) =>
    gsih([
      'erp',
      'configurar',
      '--url',
      erp.url,
      '--perfil',
      'rest',
      '--token',
      'tok-cli-secreto',
      '--data-dir',
      dataDir,
      ...extra,
    ]);

  it('configures, syncs and reports, never printing the credential', async () => {
    erp.generateArticles(30);
    erp.putStock([{ articulo: articleId(1), almacen: 'PRINCIPAL', cantidad: 3 }]);
    const before = await gsih(['erp', 'estado', '--data-dir', dataDir]);
    expect(before).toMatchObject({ code: 0, stderr: '' });
    expect(before.stdout).toMatch(/^El ERP no está configurado/);

    const configured = await configure('--cada', '900', '--tamano-pagina', '10');
    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain('Configuración del ERP guardada.');
    expect(configured.stdout).toContain(`ERP REST en ${erp.url}`);
    expect(configured.stdout).toContain(
      'credencial guardada sin cifrar en el directorio de datos (modo sin ventana: proteja esa carpeta)',
    );
    expect(configured.stdout).toContain('Sincronización automática: cada 900 s.');

    const synced = await gsih(['erp', 'sync', '--data-dir', dataDir]);
    expect(synced).toMatchObject({ code: 0, stderr: '' });
    expect(synced.stdout).toMatch(/^Sincronización 1 completada en [\d,]+ s:$/m);
    expect(synced.stdout).toMatch(
      /^ {2}artículos {3}leídos 30, creados 30, actualizados 0, sin cambios 0, con error 0 \([\d,]+ s; 3 páginas\)$/m,
    );
    expect(synced.stdout).toMatch(/^ {2}stock {7}leídos 1, creados 1,/m);
    expect(synced.stdout).toMatch(/^ {2}movimientos {1}enviados 0, con error 0/m);

    const json = await gsih([
      'erp',
      'sync',
      '--tipo',
      'articulos',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: 2,
      tipo: 'articulos',
      origen: 'cli',
      estado: 'COMPLETADA',
      detalle: { articulos: { leidos: 30 } },
    });

    const status = await gsih(['erp', 'estado', '--json', '--data-dir', dataDir]);
    const state = JSON.parse(status.stdout);
    expect(state).toMatchObject({
      configurado: true,
      cada_segundos: 900,
      ultima: { id: 2 },
      registros: { SINCRONIZADO: 31, ERROR: 0, PENDIENTE: 0 },
      configuracion: { autenticacion: { tipo: 'bearer', credencial_guardada: true } },
    });
    const text = await gsih(['erp', 'estado', '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/^Última: 2 articulos completada el /m);
    expect(text.stdout).toMatch(/^Próxima: \d{4}-\d\d-\d\dT/m);

    for (const output of [configured, synced, json, status, text]) {
      expect(output.stdout + output.stderr).not.toContain('tok-cli-secreto');
    }
  });

  it('changes only what it is told, keeping the saved credential', async () => {
    expect((await configure()).code).toBe(0);
    const changed = await gsih([
      'erp',
      'configurar',
      '--cada',
      '120',
      '--mapeo',
      'articulos.material=',
      '--mapeo',
      'articulos.nombre=descripcion',
      '--desactivar',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(changed.code).toBe(0);
    const view = JSON.parse(changed.stdout);
    expect(view).toMatchObject({
      url: erp.url,
      cada_segundos: 120,
      activo: false,
      autenticacion: { tipo: 'bearer', credencial_guardada: true },
      mapeo: { articulos: { material: null, nombre: 'descripcion', codigo: 'codigo' } },
    });
    erp.putArticles([{ id: 'X1', codigo: 'X-1', nombre: 'no se lee' }]);
    const synced = await gsih([
      'erp',
      'sync',
      '--tipo',
      'articulos',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(JSON.parse(synced.stdout).detalle.articulos).toMatchObject({ fallidos: 1 });
    expect(erp.requests.at(-1)!.headers.authorization).toBe('Bearer tok-cli-secreto');
  });

  it('shows a dry run without writing anything', async () => {
    erp.putArticles([{ id: 'E1', codigo: 'T-1', nombre: 'Tubo' }]);
    await configure();
    const dry = await gsih(['erp', 'sync', '--dry-run', '--data-dir', dataDir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Simulación \(no se ha escrito ni enviado nada\)/);
    expect(dry.stdout).toContain(
      '    crear      articulo E1: codigo null → "T-1", nombre null → "Tubo"',
    );
    const db = new Database(join(dataDir, 'gsih.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM erp_sync_runs').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('exits 1 with the reason on one line when the run fails, 2 on bad arguments', async () => {
    await configure();
    erp.expireCredentials();
    const failed = await gsih(['erp', 'sync', '--data-dir', dataDir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^gsih: Artículos: El ERP rechazó las credenciales \(401\)/);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stdout).toMatch(/^ {2}stock {7}omitido/m);

    const usage = async (args: string[], message: string) => {
      const result = await gsih([...args, '--data-dir', dataDir]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(`gsih: ${message}`);
    };
    await usage(['erp'], 'Falta la acción: configurar, sync o estado');
    await usage(
      ['erp', 'sync', '--tipo', 'todo'],
      '--tipo debe ser uno de: articulos, stock, movimientos',
    );
    await usage(['erp', 'configurar', '--perfil', 'soap'], '--perfil debe ser rest u odata');
    await usage(
      ['erp', 'configurar', '--token', 'a', '--cabecera', 'X=1'],
      'Elija una sola autenticación: --token, --usuario y --clave, --cabecera o --sin-autenticacion',
    );
    await usage(
      ['erp', 'configurar', '--cabecera', 'sinigual'],
      '--cabecera debe ser NOMBRE=VALOR (p. ej. X-API-Key=abc123)',
    );
    const fresh = join(temp.dir, 'otro');
    const first = await gsih(['erp', 'configurar', '--cada', '60', '--data-dir', fresh]);
    expect(first.code).toBe(2);
    expect(first.stderr.split('\n')[0]).toBe(
      'gsih: La primera vez, erp configurar necesita --url y --perfil',
    );
    const invalid = await gsih([
      'erp',
      'configurar',
      '--url',
      'ftp://x',
      '--perfil',
      'rest',
      '--data-dir',
      fresh,
    ]);
    expect(invalid).toMatchObject({ code: 1, stderr: 'gsih: Datos no válidos: url\n' });
  });

  it('a run killed with SIGKILL mid-way, run again, creates no duplicates and loses no record', async () => {
    erp.generateArticles(5000);
    expect((await configure('--tamano-pagina', '500')).code).toBe(0);
    // Page 6 never answers: the process is killed while it waits for it, with five pages applied.
    erp.fail({ entity: 'articulos', page: 6 }, { kind: 'hang' });
    const first = runGsih(['erp', 'sync', '--data-dir', dataDir]);
    await waitFor(() => erp.pageRequests('articulos').some((r) => r.page === 6), 'page 6 asked');
    expect(existsSync(join(dataDir, 'erp', 'sincronizacion.lock'))).toBe(true);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    // Meanwhile the ERP changes records already applied and records not read yet.
    erp.now += 3_600_000;
    erp.modifyArticle(articleId(10), { nombre: 'Cambiado tras el corte' });
    erp.modifyArticle(articleId(4000), { nombre: 'También cambiado' });

    const again = runGsih(['erp', 'sync', '--json', '--data-dir', dataDir]);
    const result = await again.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: 2,
      estado: 'COMPLETADA',
      detalle: { articulos: { leidos: 5000, creados: 2500, actualizados: 1, sin_cambios: 2499 } },
    });
    const db = new Database(join(dataDir, 'gsih.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(5000);
      expect(
        db.prepare('SELECT count(DISTINCT referencia_externa) FROM articles').pluck().get(),
      ).toBe(5000);
      expect(
        db
          .prepare(
            `SELECT count(*) FROM erp_sync_records WHERE tipo = 'articulo' AND estado = 'SINCRONIZADO'`,
          )
          .pluck()
          .get(),
      ).toBe(5000);
      const name = db.prepare('SELECT nombre FROM articles WHERE referencia_externa = ?').pluck();
      expect(name.get(articleId(10))).toBe('Cambiado tras el corte');
      expect(name.get(articleId(4000))).toBe('También cambiado');
      expect(name.get(articleId(4999))).toBe('Tubo de acero 4999');
      expect(db.prepare('SELECT id, estado, error FROM erp_sync_runs ORDER BY id').all()).toEqual([
        { id: 1, estado: 'FALLIDA', error: expect.stringMatching(/^Interrumpida/) },
        { id: 2, estado: 'COMPLETADA', error: null },
      ]);
    } finally {
      db.close();
    }
    expect(existsSync(join(dataDir, 'erp', 'sincronizacion.lock'))).toBe(false);
  }, 60_000);

  it('refuses a sync beside a running gsih serve whose scheduled run is going on', async () => {
    erp.generateArticles(10);
    // A schedule that is overdue from the start (never ran): `gsih serve` starts it at once, and
    // the ERP holds its first page.
    expect((await configure()).code).toBe(0);
    erp.fail({ entity: 'articulos', page: 1 }, { kind: 'hang' });
    const serve = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--no-ui',
        '--api-host',
        '127.0.0.1',
        '--api-port',
        '0',
        '--data-dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let serveErr = '';
    serve.stderr.on('data', (c) => (serveErr += c));
    const served = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    try {
      await waitFor(() => erp.pageRequests('articulos').length > 0, 'the scheduled run');
      const beside = await runGsih(['erp', 'sync', '--data-dir', dataDir]).done;
      expect(beside.code).toBe(1);
      expect(beside.stderr).toMatch(
        new RegExp(
          `^gsih: Ya hay una sincronización con el ERP en curso en este directorio de datos \\(desde las \\d\\d:\\d\\d, el servicio, PID ${serve.pid}\\)\\. Espere a que termine\\.\\n$`,
        ),
      );
      const status = JSON.parse(
        (await runGsih(['erp', 'estado', '--json', '--data-dir', dataDir]).done).stdout,
      );
      expect(status.en_curso).toMatchObject({
        id: 1,
        tipo: 'completa',
        origen: 'programada',
        pid: serve.pid,
        propia: false,
      });
    } finally {
      serve.kill('SIGTERM');
      expect(await served).toBe(0);
    }
    // Stopping the service cancelled its run, which recorded itself.
    const db = new Database(join(dataDir, 'gsih.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT id, origen, estado FROM erp_sync_runs').all()).toEqual([
        { id: 1, origen: 'programada', estado: 'CANCELADA' },
      ]);
    } finally {
      db.close();
    }
    expect(serveErr).not.toContain('ERROR');
  }, 60_000);
});

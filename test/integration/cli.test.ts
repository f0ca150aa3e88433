import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/cli/serve';
import { createCore } from '../../src/main/core';
import { silentLogger } from '../../src/main/logger';
import { gsih } from '../fixtures/cli';
import { makeTempDir } from '../fixtures/core';

describe('gsih command line', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  const inDir = (...args: string[]) => gsih([...args, '--data-dir', dataDir]);

  async function seed() {
    const core = await createCore({ dataDir, logger: silentLogger });
    const ctx = { actor: 'ui:test' };
    await core.dispatch(
      'inventory/createArticle',
      { codigo: 'TUB-001', nombre: 'Tubo', stock_minimo: 10 },
      ctx,
    );
    await core.dispatch(
      'inventory/createMovement',
      { tipo: 'ENTRADA', articulo: 1, cantidad: 12 },
      ctx,
    );
    await core.dispatch(
      'inventory/createMovement',
      { tipo: 'SALIDA', articulo: 1, cantidad: 50 },
      ctx,
    );
    await core.stop();
  }

  beforeEach(() => {
    temp = makeTempDir();
    dataDir = join(temp.dir, 'datos');
  });
  afterEach(() => temp.cleanup());

  it('prints usage and exits 2 for no command, an unknown command or a bad flag', async () => {
    for (const args of [
      [],
      ['volar'],
      ['status', '--nope'],
      ['movimientos'],
      ['movimientos', 'aprobar'],
      ['movimientos', 'aprobar', 'abc'],
      ['movimientos', 'list', '--estado', 'RARO'],
      ['serve', '--ui-port', '99999'],
    ]) {
      const result = await inDir(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr + result.stdout, args.join(' ')).toContain('Uso: gsih');
    }
  });

  it('prints help and exits 0', async () => {
    const result = await gsih(['--help']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('movimientos aprobar ID');
  });

  it('reports status, also as JSON', async () => {
    await seed();
    const text = await inDir('status');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Mov\. pendientes:\s+2/);
    expect(text.stdout).toMatch(/Servicio:\s+parado/);
    const json = await inDir('status', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      data_dir: dataDir,
      counts: { articulos: 1, movimientos_pendientes: 2 },
      servicio: null,
    });
  });

  it('lists, approves and rejects movements', async () => {
    await seed();
    const list = await inDir('movimientos', 'list', '--estado', 'pendiente');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ENTRADA\s+TUB-001\s+12/);
    const approved = await inDir('movimientos', 'aprobar', '1');
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toContain('0 → 12');
    const json = await inDir('movimientos', 'list', '--json', '--estado', 'APROBADO');
    expect(JSON.parse(json.stdout)).toMatchObject({
      total: 1,
      items: [{ id: 1, aprobado_por: expect.stringMatching(/^cli:/) }],
    });
    expect((await inDir('movimientos', 'rechazar', '2', '--motivo', 'error')).code).toBe(0);
    expect((await inDir('movimientos', 'list', '--estado', 'PENDIENTE')).stdout).toContain(
      'No hay movimientos en estado PENDIENTE',
    );
  });

  it('exits 1 with a one-line reason when an approval is refused, changing nothing', async () => {
    await seed();
    await inDir('movimientos', 'aprobar', '1');
    const refused = await inDir('movimientos', 'aprobar', '2');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^gsih: Stock insuficiente/);
    const missing = await inDir('movimientos', 'aprobar', '999');
    expect(missing).toMatchObject({ code: 1, stderr: 'gsih: No existe el movimiento 999\n' });
    const pending = JSON.parse(
      (await inDir('movimientos', 'list', '--json', '--estado', 'PENDIENTE')).stdout,
    );
    expect(pending.total).toBe(1);
  });

  it('takes the data directory from GSIH_DATA_DIR', async () => {
    const result = await gsih(['status', '--json'], { env: { GSIH_DATA_DIR: dataDir } });
    expect(JSON.parse(result.stdout).data_dir).toBe(dataDir);
  });

  it('refuses a corrupt database file with a clear message and leaves it untouched', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir);
    const file = join(dataDir, 'gsih.db');
    writeFileSync(file, 'esto no es una base de datos, es una hoja de cálculo'.repeat(200));
    const before = readFileSync(file);
    const result = await inDir('status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gsih: El archivo de datos .* está dañado/);
    expect(result.stderr).not.toMatch(/SqliteError|at /);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('manages webhooks: add, list, test, resend and rotate-secret', async () => {
    const hits: string[] = [];
    let status = 204;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hits.push(body);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gsih`;
    try {
      const added = await inDir(
        'webhooks',
        'add',
        '--nombre',
        'Compras',
        '--url',
        url,
        '--eventos',
        'stock_bajo,alerta_generada',
        '--json',
      );
      expect(added.code).toBe(0);
      const hook = JSON.parse(added.stdout);
      expect(hook).toMatchObject({
        id: 1,
        nombre: 'Compras',
        url,
        eventos: ['stock_bajo', 'alerta_generada'],
        activo: true,
      });
      expect(hook.secreto).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

      const tested = await inDir('webhooks', 'test', '1');
      expect(tested).toMatchObject({ code: 0 });
      expect(tested.stdout).toMatch(/entregada: el receptor respondió 204/);
      expect(JSON.parse(hits[0]!)).toMatchObject({ evento: 'ping', datos: { webhook: { id: 1 } } });

      status = 500;
      const resent = await inDir('webhooks', 'resend', '1');
      expect(resent.code).toBe(1);
      expect(resent.stdout).toMatch(/no entregada: El receptor respondió 500\. Se reintentará/);
      expect(JSON.parse(hits[1]!).id).toBe(JSON.parse(hits[0]!).id);

      const listed = await inDir('webhooks', 'list');
      expect(listed.stdout).toMatch(
        /Compras\s+http:\/\/127\.0\.0\.1:\d+\/gsih\s+stock_bajo,alerta_generada\s+entregadas 0, pendientes 1, fallidas 0/,
      );

      const rotated = JSON.parse((await inDir('webhooks', 'rotate-secret', '1', '--json')).stdout);
      expect(rotated.secreto).not.toBe(hook.secreto);

      expect(
        (await inDir('webhooks', 'add', '--nombre', 'x', '--url', url, '--eventos', 'todo')).code,
      ).toBe(2);
      const badUrl = await inDir(
        'webhooks',
        'add',
        '--nombre',
        'x',
        '--url',
        'ftp://x',
        '--eventos',
        'stock_bajo',
      );
      expect(badUrl).toMatchObject({ code: 1 });
      expect(badUrl.stderr).toMatch(/url/);
      expect((await inDir('webhooks', 'test', '99')).stderr).toBe(
        'gsih: No existe el webhook 99\n',
      );
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  describe('serve', () => {
    let shutdown: (signal: string) => void;
    let serving: Promise<number>;
    let server: RunningServer;

    async function startServe(...extra: string[]) {
      let onServing!: (s: RunningServer) => void;
      const ready = new Promise<RunningServer>((resolve) => (onServing = resolve));
      const stopped = new Promise<string>((resolve) => (shutdown = resolve));
      serving = gsih(
        [
          'serve',
          '--data-dir',
          dataDir,
          '--ui-port',
          '0',
          '--api-host',
          '127.0.0.1',
          '--api-port',
          '0',
          ...extra,
        ],
        {
          waitForShutdown: () => stopped,
          onServing,
        },
      ).then((r) => {
        output = r;
        return r.code;
      });
      server = await Promise.race([
        ready,
        serving.then(() => {
          throw new Error(`serve exited: ${output?.stderr}`);
        }),
      ]);
    }
    let output: Awaited<ReturnType<typeof gsih>> | undefined;

    it('serves the bridge on loopback with a token, and refuses a second serve of the same directory', async () => {
      await startServe();
      expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
      const second = await inDir(
        'serve',
        '--ui-port',
        '0',
        '--api-host',
        '127.0.0.1',
        '--api-port',
        '0',
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /ya lo está sirviendo otro proceso de GSIH \(PID \d+, gsih serve\)/,
      );
      // One-shot commands still work beside it and see that it serves.
      const status = JSON.parse((await inDir('status', '--json')).stdout);
      expect(status.servicio).toMatchObject({
        pid: process.pid,
        modo: 'headless',
        interfaz: server.uiUrl!.split('#')[0],
        api: server.apiUrl,
      });
      shutdown('SIGTERM');
      expect(await serving).toBe(0);
      expect(output?.stdout).toBe(`API: ${server.apiUrl}\nUI: ${server.uiUrl}\n`);
      expect(server.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
      // The log records start and stop.
      const core = await createCore({ dataDir, logger: silentLogger });
      const log = core.services.log.list({ sistema: 'GSIH', page: 1, page_size: 10 });
      await core.stop();
      expect(log.items.map((e) => (e.datos_enviados as { evento: string }).evento)).toEqual([
        'parada',
        'inicio',
      ]);
      expect(JSON.stringify(log.items)).not.toContain('token');
    });

    it('runs without the UI with --no-ui', async () => {
      await startServe('--no-ui');
      expect(server.uiUrl).toBeNull();
      shutdown('SIGINT');
      expect(await serving).toBe(0);
      expect(output?.stdout).toBe(`API: ${server.apiUrl}\n`);
    });
  });
});

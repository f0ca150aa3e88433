import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../fixtures/core';

// The built `gsih` as a real process: signals, exit codes and file permissions are only real here.
const BIN = join(__dirname, '../../bin/gsih.cjs');

function run(args: string[], options: SpawnOptions = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    ...options,
  });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function startServe(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--data-dir',
      dataDir,
      '--ui-port',
      '0',
      '--api-host',
      '127.0.0.1',
      '--api-port',
      '0',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UI line; stderr: ${stderr}`)), 15_000);
    child.stdout!.on('data', () => {
      const match = /^UI: (\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('gsih as a process', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  beforeEach(() => {
    temp = makeTempDir();
    dataDir = join(temp.dir, 'datos');
  });
  afterEach(() => {
    spawnSync('chmod', ['-R', 'u+w', temp.dir]);
    temp.cleanup();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`serves until ${signal}, then shuts down cleanly and frees the directory`, async () => {
      const serve = startServe(dataDir);
      const url = await serve.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
      const page = await fetch(url.split('#')[0]!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');

      const second = run([
        'serve',
        '--data-dir',
        dataDir,
        '--ui-port',
        '0',
        '--api-host',
        '127.0.0.1',
        '--api-port',
        '0',
      ]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('ya lo está sirviendo otro proceso');

      serve.child.kill(signal);
      expect(await serve.exited).toBe(0);
      expect(serve.output().stderr).toContain(`Parando (${signal})`);
      // Served cleanly: a new serve may take the directory at once.
      const status = run(['status', '--json', '--data-dir', dataDir]);
      expect(JSON.parse(status.stdout).servicio).toBeNull();
    });
  }

  it('takes over a lock left by a process that died', async () => {
    const serve = startServe(dataDir);
    await serve.url;
    serve.child.kill('SIGKILL');
    await serve.exited;
    const again = startServe(dataDir);
    await expect(again.url).resolves.toMatch(/^http:/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('exits 2 with usage for bad arguments', () => {
    const result = run(['movimientos', 'borrar', '1', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Acción desconocida: movimientos borrar');
    expect(result.stderr).toContain('Uso: gsih');
  });

  it('refuses a read-only database with a clear one-line reason and changes nothing', () => {
    expect(run(['status', '--data-dir', dataDir]).code).toBe(0);
    const file = join(dataDir, 'gsih.db');
    chmodSync(file, 0o444);
    chmodSync(dataDir, 0o555);
    chmodSync(temp.dir, 0o755);
    const before = readFileSync(file);
    // root ignores file modes, so as root the command runs as an unprivileged user.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = run(['movimientos', 'aprobar', '1', '--data-dir', dataDir], asUser);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^gsih: No se puede escribir en el archivo de datos .*gsih\.db\. Compruebe los permisos/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('says the data directory cannot be created when its parent is not writable', () => {
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o555);
    chmodSync(temp.dir, 0o755);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = run(['status', '--data-dir', join(dataDir, 'nuevo')], asUser);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gsih: No se puede crear el directorio de datos/);
  });
});

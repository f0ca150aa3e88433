import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../src/shared/contract';
import type { ImportEvent } from '../../src/main/imports/service';
import { contentDigest } from '../fixtures/digest';
import { makeTempDir, makeTestCore } from '../fixtures/core';
import { writeArticlesCsv } from '../fixtures/articles-csv.mjs';

// The import service of a real core: its worker is the built one (out/main/import-worker.js,
// built by the global setup; with the quick config, run `npm run build` first), on a real data
// directory.

const WORKER = join(__dirname, '../../out/main/import-worker.js');

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

describe('the import service', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let core: TestCore;
  let events: ImportEvent[];
  let pushed: PushMessage[];
  const file = (name: string, content: string) => {
    const path = join(temp.dir, name);
    writeFileSync(path, content);
    return path;
  };
  const request = (path: string, over: object = {}) => ({
    path,
    tipo: 'articulos' as const,
    origen: 'ui' as const,
    usuario: 'ui:prueba',
    ...over,
  });

  beforeEach(async () => {
    temp = makeTempDir();
    core = await makeTestCore({ dataDir: join(temp.dir, 'datos'), importWorkerFile: WORKER });
    events = [];
    pushed = [];
    core.services.imports.subscribe((event) => events.push(event));
    core.subscribe((message) => pushed.push(message));
  });
  afterEach(async () => {
    await core.cleanup();
    temp.cleanup();
  });

  it('runs an import in its worker, reports progress and the end, and announces the change', async () => {
    const { id, done } = core.services.imports.start(
      request(file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\nA-2;Codo\r\n')),
    );
    expect(core.services.imports.running()).toMatchObject({
      id,
      archivo: 'a.csv',
      propia: true,
      pid: process.pid,
    });
    const summary = await done;
    expect(summary).toMatchObject({ id, estado: 'COMPLETADA', creados: 2, usuario: 'ui:prueba' });
    expect(core.services.inventory.counts().articulos).toBe(2);
    const phases = events.flatMap((e) => (e.tipo === 'progreso' ? [e.progreso.fase] : []));
    expect(phases[0]).toBe('inicio');
    expect(phases).toEqual(expect.arrayContaining(['lectura', 'comprobacion', 'aplicacion']));
    expect(events.at(-1)).toEqual({ tipo: 'terminada', importacion: summary });
    expect(pushed).toContainEqual({
      event: 'inventory/changed',
      payload: { entidad: 'articulos' },
    });
    expect(core.services.imports.running()).toBeNull();
  });

  it('keeps the main thread free while a large file imports', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 200_000 });
    let worstLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 10);
      last = now;
    }, 10);
    const summary = await core.services.imports.start(request(csv)).done;
    clearInterval(ticker);
    expect(summary).toMatchObject({ estado: 'COMPLETADA', creados: 200_000 });
    // The event loop that serves IPC, the UI bridge and the API never waited on the import.
    expect(worstLag).toBeLessThan(100);
  });

  it('refuses a second import in the same data directory while one runs', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 100_000 });
    const first = core.services.imports.start(request(csv));
    expect(() => core.services.imports.start(request(csv))).toThrow(
      /^Ya hay una importación en curso en este directorio de datos: grande\.csv \(articulos, desde las \d\d:\d\d, la aplicación, PID \d+\)\. Espere a que termine o cancélela\.$/,
    );
    await first.done;
    // Once it ended, the next one may start.
    expect((await core.services.imports.start(request(csv)).done).sin_cambios).toBe(100_000);
  });

  it('cancel() rolls the import back and records it as CANCELADA', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 200_000 });
    const database = join(core.dataDir, 'gsih.db');
    const recorded = ['imports', 'import_errors', 'integration_log'];
    const before = contentDigest(database, recorded);
    const handle = core.services.imports.start(request(csv));
    core.services.imports.subscribe((event) => {
      if (
        event.tipo === 'progreso' &&
        event.progreso.fase === 'lectura' &&
        event.progreso.filas > 0
      )
        core.services.imports.cancel(handle.id);
    });
    const summary = await handle.done;
    expect(summary).toMatchObject({ estado: 'CANCELADA', creados: 0 });
    expect(contentDigest(database, recorded)).toBe(before);
    expect(core.services.imports.cancel(handle.id)).toBe(false);
  });

  it('keeps the history: newest first, problems page by page, the rejected-rows report', async () => {
    const bad = file(
      'malo.csv',
      'codigo;nombre;diametro\r\n' +
        Array.from({ length: 30 }, (_, i) => `B-${i};Tubo;${i % 2 ? 'x' : '1'}`).join('\r\n') +
        '\r\n',
    );
    const rejected = await core.services.imports.start(request(bad, { omitir_errores: true })).done;
    const dry = await core.services.imports.start(
      request(file('b.csv', 'codigo;nombre\r\nC-1;Codo\r\n'), { simulacion: true }),
    ).done;
    const imports = core.services.imports;
    expect(imports.list({ page: 1, page_size: 10 }).items.map((i) => [i.id, i.simulacion])).toEqual(
      [
        [dry.id, true],
        [rejected.id, false],
      ],
    );
    expect(imports.get(rejected.id)).toMatchObject({ creados: 15, rechazados: 15, errores: 15 });
    const page2 = imports.issues(rejected.id, { page: 2, page_size: 10 });
    expect(page2.total).toBe(15);
    expect(page2.items.map((i) => i.linea)).toEqual([23, 25, 27, 29, 31]);
    const report = imports.rejectedCsv(rejected.id);
    expect(report).toBe(join(core.dataDir, 'imports', `${rejected.id}-rechazadas.csv`));
    expect(readFileSync(report!, 'utf8').split('\r\n')).toHaveLength(15 + 2);
    expect(imports.rejectedCsv(dry.id)).toBeNull();
    expect(() => imports.get(999)).toThrow('No existe la importación 999');
  });

  it('writes every import to the integration log', async () => {
    await core.services.imports.start(request(file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\n'))).done;
    core.services.log.flush();
    const entries = core.services.log.list({ sistema: 'Importación CSV', page: 1, page_size: 10 });
    expect(entries.items).toEqual([
      expect.objectContaining({
        tipo: 'importación articulos',
        estado: 'OK',
        datos_enviados: expect.objectContaining({ archivo: 'a.csv', usuario: 'ui:prueba' }),
        datos_recibidos: expect.objectContaining({ estado: 'COMPLETADA', creados: 1 }),
      }),
    ]);
  });

  it('records as FALLIDA an import whose process died, when the next one takes its lock over', async () => {
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    mkdirSync(join(core.dataDir, 'imports'), { recursive: true });
    writeFileSync(
      join(core.dataDir, 'imports', 'importacion.lock'),
      JSON.stringify({
        pid: Number(dead.stdout),
        id: 7,
        archivo: 'viejo.csv',
        tipo: 'stock',
        origen: 'cli',
        usuario: 'cli:otro',
        inicio: '2026-11-28T08:00:00.000Z',
      }),
    );
    writeFileSync(join(core.dataDir, 'imports', '7-preparacion.db'), 'restos');
    expect(core.services.imports.running()).toBeNull();
    const summary = await core.services.imports.start(
      request(file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\n')),
    ).done;
    expect(summary.id).toBe(8);
    expect(core.services.imports.get(7)).toMatchObject({
      archivo: 'viejo.csv',
      estado: 'FALLIDA',
      usuario: 'cli:otro',
      error: expect.stringContaining(`(PID ${dead.stdout}) terminó antes de acabar`),
    });
    expect(existsSync(join(core.dataDir, 'imports', '7-preparacion.db'))).toBe(false);
  });

  it('stopping the core cancels the import that runs and records it', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 200_000 });
    const { done } = core.services.imports.start(request(csv));
    await core.stop();
    expect((await done).estado).toBe('CANCELADA');
  });

  it('without a worker file, previews still work and imports are refused', async () => {
    const plain = await makeTestCore({ dataDir: join(temp.dir, 'otro') });
    try {
      const csv = file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\n');
      expect((await plain.services.imports.preview(csv, { kind: 'articulos' })).headers).toEqual([
        'codigo',
        'nombre',
      ]);
      expect(() => plain.services.imports.start(request(csv))).toThrow(
        'Este proceso no puede importar archivos CSV.',
      );
    } finally {
      await plain.cleanup();
    }
  });
});

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeServer } from '../../src/main/bridge/server';
import { UPLOADS_DIR } from '../../src/main/import-ui/file-tokens';
import type { FileDialogs } from '../../src/main/import-ui/handlers';
import { silentLogger } from '../../src/main/logger';
import { createBridgeFiles, createBridgeTransport } from '../../src/shared/bridge-protocol';
import { ClientError, createClient, type GsihClient } from '../../src/shared/client';
import type { PushMessage } from '../../src/shared/contract';
import { makeTestCore } from '../fixtures/core';

// The `imports/*` handlers and the bridge's file routes over a real core, a real worker thread
// (the built out/main/import-worker.js: run `npm run build` first) and a real loopback bridge:
// files go in by token, never by path; the browser's upload and the report's download.

const WORKER = resolve(__dirname, '../../out/main/import-worker.js');
const TOKEN = 'test-token-0123456789abcdef';

const ARTICLES_1252 = iconv.encode(
  'Código;Descripción;Diámetro (mm);Familia\r\n' +
    'V-001;Válvula ñ º €;12,5;A\r\n' +
    'V-002;Codo 90º;1.250,75;B\r\n',
  'win1252',
);

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

async function waitForEnd(client: GsihClient, id: number) {
  for (let i = 0; i < 400; i++) {
    const current = await client.invoke('imports/current', {});
    if (current?.id !== id) return client.invoke('imports/get', { id });
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`import ${id} did not end`);
}

describe('CSV import from the UI: handlers and bridge file routes', () => {
  let core: TestCore;
  let server: ReturnType<typeof buildBridgeServer>;
  let base: string;
  let client: GsihClient;
  let files: ReturnType<typeof createBridgeFiles>;
  const pushed: PushMessage[] = [];
  const dialogs: FileDialogs & { open: string | null; save: string | null } = {
    open: null,
    save: null,
    chooseCsv: async () => dialogs.open,
    chooseSaveLocation: async () => dialogs.save,
  };

  const start = async (withDialogs: boolean) => {
    core = await makeTestCore({
      importWorkerFile: WORKER,
      ...(withDialogs ? { fileDialogs: dialogs } : {}),
    });
    await core.start({ api: false, webhooks: false });
    core.subscribe((message) => pushed.push(message));
    server = buildBridgeServer({
      dispatch: core.dispatch,
      subscribe: core.subscribe,
      token: TOKEN,
      ctx: { actor: 'ui:test' },
      logger: silentLogger,
      files: core.services.importFiles,
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    client = createClient(createBridgeTransport({ baseUrl: base, token: TOKEN }));
    files = createBridgeFiles({ baseUrl: base, token: TOKEN });
  };

  beforeEach(() => {
    pushed.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    await core?.cleanup();
  });

  it('uploads a Windows-1252 file, previews it with its accents, imports it and pushes progress', async () => {
    await start(false);
    const chosen = await files.upload(new Blob([ARTICLES_1252]), 'Artículos año.csv');
    expect(chosen).toMatchObject({ nombre: 'Artículos año.csv', bytes: ARTICLES_1252.length });
    expect(chosen.archivo).toMatch(/^[A-Za-z0-9_-]{16,64}$/);

    const preview = await client.invoke('imports/preview', {
      archivo: chosen.archivo,
      tipo: 'articulos',
    });
    expect(preview.deteccion).toMatchObject({
      codificacion: 'windows-1252',
      delimitador: ';',
      formato_numeros: { diametro: 'coma' },
    });
    expect(preview.cabeceras).toEqual(['Código', 'Descripción', 'Diámetro (mm)', 'Familia']);
    expect(preview.faltan).toEqual([]);
    expect(preview.sin_asignar).toEqual(['Familia']);
    expect(preview.campos.find((c) => c.campo === 'nombre')).toEqual({
      campo: 'nombre',
      obligatorio: true,
      columna: 1,
    });
    expect(preview.filas[0]).toMatchObject({
      linea: 2,
      valores: { codigo: 'V-001', nombre: 'Válvula ñ º €', diametro: 12.5 },
      problemas: [],
    });
    expect(preview.filas[1]!.valores).toMatchObject({ diametro: 1250.75 });

    const { id } = await client.invoke('imports/start', {
      archivo: chosen.archivo,
      tipo: 'articulos',
    });
    const ended = await waitForEnd(client, id);
    expect(ended).toMatchObject({
      estado: 'COMPLETADA',
      archivo: 'Artículos año.csv',
      creados: 2,
      usuario: 'ui:test',
      origen: 'ui',
    });
    const names = core.db.prepare('SELECT nombre FROM articles ORDER BY codigo').pluck().all();
    expect(names).toEqual(['Válvula ñ º €', 'Codo 90º']);
    expect(pushed).toContainEqual({
      event: 'imports/changed',
      payload: { id, estado: 'EN_CURSO' },
    });
    expect(pushed).toContainEqual({
      event: 'imports/changed',
      payload: { id, estado: 'COMPLETADA' },
    });
    expect(pushed.some((m) => m.event === 'imports/progress')).toBe(true);
    const history = await client.invoke('imports/list', {});
    expect(history.total).toBe(1);
  });

  it('remembers the columns chosen by hand for the same headers, until asked to forget them', async () => {
    await start(false);
    const first = await files.upload(new Blob([ARTICLES_1252]), 'a.csv');
    const chosen = {
      codigo: 'Código',
      nombre: 'Familia',
      diametro: 'Diámetro (mm)',
    } as const;
    const edited = await client.invoke('imports/preview', {
      archivo: first.archivo,
      tipo: 'articulos',
      columnas: chosen,
    });
    expect(edited.campos.find((c) => c.campo === 'nombre')!.columna).toBe(3);
    const { id } = await client.invoke('imports/start', {
      archivo: first.archivo,
      tipo: 'articulos',
      columnas: chosen,
      simulacion: true,
    });
    expect(await waitForEnd(client, id)).toMatchObject({ estado: 'COMPLETADA', simulacion: true });

    // Another file with the same headers, in another order: read as chosen last time.
    const reordered = iconv.encode(
      'Familia;Código;Descripción;Diámetro (mm)\r\nA;X-1;Tuerca;3\r\n',
      'win1252',
    );
    const second = await files.upload(new Blob([reordered]), 'b.csv');
    const recalled = await client.invoke('imports/preview', {
      archivo: second.archivo,
      tipo: 'articulos',
    });
    expect(recalled.columnas_recordadas).toBe(true);
    expect(recalled.filas[0]!.valores).toMatchObject({ codigo: 'X-1', nombre: 'A' });

    const automatic = await client.invoke('imports/preview', {
      archivo: second.archivo,
      tipo: 'articulos',
      usar_recordadas: false,
    });
    expect(automatic.columnas_recordadas).toBe(false);
    expect(automatic.filas[0]!.valores).toMatchObject({ nombre: 'Tuerca' });
    const again = await client.invoke('imports/preview', {
      archivo: second.archivo,
      tipo: 'articulos',
    });
    expect(again.columnas_recordadas).toBe(false);
  });

  it('offers the rejected rows for download, in the file’s own encoding and delimiter', async () => {
    await start(false);
    const bad = iconv.encode(
      'Código;Nombre;Diámetro\r\nA-1;Bien;1,5\r\nA-2;;2\r\nA-3;Mal número;doce\r\n',
      'win1252',
    );
    const chosen = await files.upload(new Blob([bad]), 'con errores.csv');
    const { id } = await client.invoke('imports/start', {
      archivo: chosen.archivo,
      tipo: 'articulos',
    });
    const ended = await waitForEnd(client, id);
    expect(ended).toMatchObject({ estado: 'RECHAZADA', rechazados: 2, creados: 0 });
    const issues = await client.invoke('imports/issues', { id });
    expect(issues.items.map((i) => [i.linea, i.columna])).toEqual([
      [3, 'Nombre'],
      [4, 'Diámetro'],
    ]);

    const response = await fetch(`${base}/bridge/imports/${id}/rechazadas.csv`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''con%20errores-rechazadas.csv",
    );
    const text = iconv.decode(Buffer.from(await response.arrayBuffer()), 'win1252');
    const lines = text.split(/\r?\n/);
    expect(lines[0]).toBe('línea;error;Código;Nombre;Diámetro');
    expect(lines.find((line) => line.startsWith('4;'))).toMatch(/;A-3;Mal número;doce$/);

    // The same route refuses a request without the token, and an import with no report.
    const anonymous = await fetch(`${base}/bridge/imports/${id}/rechazadas.csv`);
    expect(anonymous.status).toBe(401);
    await expect(files.downloadRejectedReport(999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an upload over the size limit with a Spanish reason, and keeps nothing of it', async () => {
    await start(false);
    const big = new Blob([new Uint8Array(201 * 1024 * 1024)]);
    const error = await files.upload(big, 'enorme.csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).message).toMatch(/supera 200 MB/);
    const uploads = join(core.dataDir, UPLOADS_DIR);
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('refuses tokens it did not issue, and a binary file with a clear reason', async () => {
    await start(false);
    const unknown = await client
      .invoke('imports/preview', { archivo: 'AAAAAAAAAAAAAAAAAAAAAAAA', tipo: 'stock' })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: /Vuelva a elegirlo/ });
    const path = await client
      .invoke('imports/preview', { archivo: '/etc/passwd', tipo: 'stock' } as never)
      .catch((e: unknown) => e);
    expect(path).toMatchObject({ code: 'VALIDATION' });

    const binary = await files.upload(
      new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 0])]),
      'foto.png',
    );
    const refused = await client
      .invoke('imports/preview', { archivo: binary.archivo, tipo: 'articulos' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'VALIDATION' });
    expect((refused as Error).message).toMatch(/binario|no es un archivo de texto|CSV/i);
  });

  it('in the desktop app, picks the file with the open dialog and saves the report with the save dialog', async () => {
    await start(true);
    const source = join(core.dataDir, 'elegido.csv');
    const content = 'Código;Nombre\r\nZ-1;\r\n';
    writeFileSync(source, content);
    dialogs.open = null;
    expect(await client.invoke('imports/pickFile', {})).toBeNull();
    dialogs.open = source;
    const chosen = await client.invoke('imports/pickFile', {});
    expect(chosen).toMatchObject({
      nombre: 'elegido.csv',
      bytes: Buffer.byteLength(content),
    });

    const { id } = await client.invoke('imports/start', {
      archivo: chosen!.archivo,
      tipo: 'articulos',
    });
    expect(await waitForEnd(client, id)).toMatchObject({ estado: 'RECHAZADA', rechazados: 1 });
    dialogs.save = join(core.dataDir, 'informe.csv');
    expect(await client.invoke('imports/saveRejected', { id })).toEqual({
      guardado: dialogs.save,
    });
    expect(readFileSync(dialogs.save, 'utf8')).toContain('Z-1;');
  });

  it('headless, says the dialogs belong to the desktop app', async () => {
    await start(false);
    await expect(client.invoke('imports/pickFile', {})).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardPushMessages, registerIpcHandlers } from '../../../src/main/electron/ipc-handlers';
import {
  isTrustedSenderFrame,
  type RendererTarget,
  type SenderFrameLike,
} from '../../../src/main/electron/trusted-url';
import { silentLogger } from '../../../src/main/logger';
import { createPreloadApi } from '../../../src/preload/api';
import { ClientError, createClient } from '../../../src/shared/client';
import {
  HANDLER_NAMES,
  IPC_INVOKE_PREFIX,
  IPC_PUSH_CHANNEL,
  type PushMessage,
} from '../../../src/shared/contract';
import { makeTestCore } from '../../fixtures/core';
import { connectRenderer, flushIpc, InMemoryIpcMain, type InMemoryRenderer } from './in-memory-ipc';

// The whole desktop transport without Electron: renderer client → preload API → (in-memory,
// structured-cloned) IPC → registration loop with sender checks → dispatcher → a real core on a
// real SQLite file; and core push messages → webContents.send → preload → client listener.

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

const rendererDir = join('/opt', 'gsih', 'out', 'renderer');
const target: RendererTarget = { kind: 'file', indexPath: join(rendererDir, 'index.html') };
const appPage: SenderFrameLike = {
  url: `${pathToFileURL(target.indexPath).href}#/inventario`,
  parent: null,
};

describe('IPC round trip over an in-memory pair', () => {
  let core: TestCore;
  let ipcMain: InMemoryIpcMain;
  let renderers: InMemoryRenderer[];
  let cleanups: Array<() => void>;

  const open = (frame: SenderFrameLike | null) => {
    const renderer = connectRenderer(ipcMain, frame);
    renderers.push(renderer);
    return { renderer, client: createClient(createPreloadApi(renderer.ipcRenderer)) };
  };

  beforeEach(async () => {
    core = await makeTestCore();
    ipcMain = new InMemoryIpcMain();
    renderers = [];
    cleanups = [
      registerIpcHandlers(ipcMain, core.dispatch, (frame) => isTrustedSenderFrame(frame, target), {
        actor: 'ui:prueba',
        log: silentLogger,
      }),
      forwardPushMessages(
        (listener) => core.subscribe(listener),
        () => renderers.map((r) => r.webContents),
        IPC_PUSH_CHANNEL,
        silentLogger,
      ),
    ];
  });

  afterEach(async () => {
    cleanups.forEach((cleanup) => cleanup());
    await core.cleanup();
  });

  it('registers exactly one channel per handler of the contract', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      HANDLER_NAMES.map((name) => IPC_INVOKE_PREFIX + name).sort(),
    );
  });

  it('creates and reads data through the typed client, recording the desktop actor', async () => {
    const { client } = open(appPage);
    const article = await client.invoke('inventory/createArticle', {
      codigo: 'TUB-001',
      nombre: 'Tubo PVC',
    });
    expect(article).toMatchObject({ id: 1, codigo: 'TUB-001', unidad: 'unidad', material: null });

    const movement = await client.invoke('inventory/createMovement', {
      tipo: 'ENTRADA',
      articulo: 1,
      cantidad: 4,
    });
    expect(movement).toMatchObject({ estado: 'PENDIENTE', creado_por: 'ui:prueba', origen: 'ui' });

    const page = await client.invoke('inventory/listArticles', {});
    expect(page.items.map((item) => item.codigo)).toEqual(['TUB-001']);
  });

  it('returns a validation error with its fields, in Spanish, and changes nothing', async () => {
    const { client } = open(appPage);
    const error = await rejection(
      client.invoke('inventory/createArticle', { codigo: '', nombre: 'Tubo' }),
    );
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'VALIDATION', details: { codigo: expect.any(String) } });
    expect(error.message).toMatch(/^Datos no válidos: codigo/);
    expect((await client.invoke('inventory/listArticles', {})).total).toBe(0);
  });

  it('updates only the settings a patch names', async () => {
    const { client } = open(appPage);
    await client.invoke('settings/update', { apiPort: 9090 });
    const settings = await client.invoke('settings/update', { language: 'en' });
    expect(settings).toMatchObject({ apiPort: 9090, language: 'en' });
    expect(await client.invoke('settings/get', {})).toEqual(settings);
  });

  it('refuses an unknown handler in the preload, without sending anything over IPC', async () => {
    const { renderer, client } = open(appPage);
    const api = createPreloadApi(renderer.ipcRenderer);
    expect(await api.invoke('keys/steal', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_HANDLER' },
    });
    expect(await api.invoke('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_HANDLER' },
    });
    const error = await rejection(client.invoke('nope/nothing' as never, {} as never));
    expect(error).toMatchObject({ code: 'UNKNOWN_HANDLER' });
    expect(renderer.ipcRenderer.invokeCount).toBe(0);
  });

  it('has no channel for a name outside the contract, even if a page bypassed the preload', async () => {
    const { renderer } = open(appPage);
    await expect(
      renderer.ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}nope/nothing`, {}),
    ).rejects.toThrow(/No handler registered/);
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a subframe of the app page', { url: appPage.url, parent: appPage }],
    [
      'another file on disk',
      { url: pathToFileURL(join(rendererDir, 'other.html')).href, parent: null },
    ],
    ['no frame (already gone)', null],
  ])('refuses calls from %s and changes nothing', async (_name, frame) => {
    const { client } = open(frame as SenderFrameLike | null);
    const error = await rejection(
      client.invoke('inventory/createArticle', { codigo: 'X-1', nombre: 'Intruso' }),
    );
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Origen no autorizado' });
    expect(core.db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(0);
  });

  it('delivers push messages to every open window until each unsubscribes', async () => {
    const first = open(appPage);
    const second = open(appPage);
    const seenFirst: PushMessage[] = [];
    const seenSecond: PushMessage[] = [];
    const unsubscribeFirst = first.client.subscribe((message) => seenFirst.push(message));
    second.client.subscribe((message) => seenSecond.push(message));

    await first.client.invoke('inventory/createArticle', { codigo: 'TUB-001', nombre: 'Tubo' });
    await flushIpc();
    expect(seenFirst).toContainEqual({
      event: 'inventory/changed',
      payload: { entidad: 'articulos' },
    });
    expect(seenSecond).toEqual(seenFirst);

    unsubscribeFirst();
    unsubscribeFirst(); // idempotent
    const before = seenFirst.length;
    const settings = await second.client.invoke('settings/update', { language: 'en' });
    await flushIpc();
    expect(seenFirst).toHaveLength(before);
    expect(seenSecond).toContainEqual({ event: 'settings/changed', payload: settings });
  });

  it('skips a destroyed window and keeps delivering to the others', async () => {
    const closed = open(appPage);
    const alive = open(appPage);
    const seen: PushMessage[] = [];
    alive.client.subscribe((message) => seen.push(message));
    closed.renderer.webContents.destroy();

    await alive.client.invoke('settings/update', { apiPort: 9000 });
    await flushIpc();
    expect(seen).toContainEqual({
      event: 'settings/changed',
      payload: expect.objectContaining({ apiPort: 9000 }),
    });
  });

  it('removes its channels when unregistered, so the app can register them again', () => {
    cleanups.shift()!();
    expect(ipcMain.handlers.size).toBe(0);
    cleanups.unshift(
      registerIpcHandlers(ipcMain, core.dispatch, () => true, {
        actor: 'ui:prueba',
        log: silentLogger,
      }),
    );
    expect(ipcMain.handlers.size).toBe(HANDLER_NAMES.length);
  });
});

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected the call to be rejected');
}

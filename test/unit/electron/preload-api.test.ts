import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createPreloadApi, type IpcRendererLike } from '../../../src/preload/api';
import {
  IPC_PUSH_CHANNEL,
  type GsihTransport,
  type PushMessage,
} from '../../../src/shared/contract';

function fakeIpcRenderer() {
  const emitter = new EventEmitter();
  const ipc = {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({
      ok: true,
      result: 'hecho',
    })),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      emitter.on(channel, listener),
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
      emitter.removeListener(channel, listener),
  } satisfies IpcRendererLike;
  return {
    ipc,
    emit: (...args: unknown[]) =>
      emitter.emit(IPC_PUSH_CHANNEL, { sender: 'electron event' }, ...args),
    emitter,
  };
}

describe('preload API', () => {
  it('is exactly a GsihTransport: invoke and subscribe, nothing else', () => {
    const api: GsihTransport = createPreloadApi(fakeIpcRenderer().ipc);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('sends a contract handler on its own channel with the input untouched', async () => {
    const { ipc } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    await expect(api.invoke('inventory/getArticle', { id: 3 })).resolves.toEqual({
      ok: true,
      result: 'hecho',
    });
    expect(ipc.invoke).toHaveBeenCalledWith('gsih:inventory/getArticle', { id: 3 });
  });

  it('answers UNKNOWN_HANDLER itself for names outside the contract', async () => {
    const { ipc } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    for (const name of [
      'push',
      '../settings/get',
      'toString',
      '__proto__',
      42 as unknown as string,
    ]) {
      await expect(api.invoke(name, {})).resolves.toMatchObject({
        ok: false,
        error: {
          code: 'UNKNOWN_HANDLER',
          message: expect.stringMatching(/^Operación desconocida/),
        },
      });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('hands listeners the message only, never the Electron event', () => {
    const { ipc, emit } = fakeIpcRenderer();
    const listener = vi.fn();
    createPreloadApi(ipc).subscribe(listener);
    const message: PushMessage = { event: 'logs/appended', payload: { cantidad: 2 } };
    emit(message);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([message]);
  });

  it('drops push messages that are not in the push map', () => {
    const { ipc, emit } = fakeIpcRenderer();
    const listener = vi.fn();
    createPreloadApi(ipc).subscribe(listener);
    emit({ event: 'keys/leaked', payload: {} });
    emit('texto');
    emit(null);
    emit({ event: 'logs/appended' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('unsubscribes exactly its own listener, once', () => {
    const { ipc, emit, emitter } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    const kept = vi.fn();
    const dropped = vi.fn();
    api.subscribe(kept);
    const unsubscribe = api.subscribe(dropped);
    unsubscribe();
    unsubscribe();
    emit({ event: 'logs/appended', payload: { cantidad: 1 } });
    expect(kept).toHaveBeenCalledTimes(1);
    expect(dropped).not.toHaveBeenCalled();
    expect(emitter.listenerCount(IPC_PUSH_CHANNEL)).toBe(1);
  });
});

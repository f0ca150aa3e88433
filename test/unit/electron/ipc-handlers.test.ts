import { describe, expect, it, vi } from 'vitest';
import { forwardPushMessages, registerIpcHandlers } from '../../../src/main/electron/ipc-handlers';
import type { Logger } from '../../../src/main/logger';
import { HANDLER_NAMES, type PushMessage } from '../../../src/shared/contract';
import { AppError } from '../../../src/shared/errors';
import { InMemoryIpcMain } from './in-memory-ipc';

const trustAll = () => true;
const appFrame = { url: 'file:///opt/gsih/out/renderer/index.html', parent: null };

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  return { logger, lines };
}

describe('registerIpcHandlers', () => {
  it('refuses to register the handler map twice on the same ipcMain, registering nothing more', () => {
    const ipc = new InMemoryIpcMain();
    const dispatch = vi.fn();
    const { logger } = recordingLogger();
    registerIpcHandlers(ipc, dispatch, trustAll, { actor: 'ui:a', log: logger });
    const handle = vi.spyOn(ipc, 'handle');
    expect(() =>
      registerIpcHandlers(ipc, dispatch, trustAll, { actor: 'ui:a', log: logger }),
    ).toThrow(/registered twice: gsih:/);
    expect(handle).not.toHaveBeenCalled();
    expect(ipc.handlers.size).toBe(HANDLER_NAMES.length);
  });

  it('passes the raw input and the desktop actor to dispatch, and its envelope back', async () => {
    const ipc = new InMemoryIpcMain();
    const dispatch = vi.fn(async () => ({ ok: true as const, result: 7 }));
    registerIpcHandlers(ipc, dispatch, trustAll, {
      actor: 'ui:ana',
      log: recordingLogger().logger,
    });
    const raw = { id: '3', extra: true };
    const answer = await ipc.handlers.get('gsih:inventory/getArticle')!(
      { senderFrame: appFrame },
      raw,
    );
    expect(answer).toEqual({ ok: true, result: 7 });
    expect(dispatch).toHaveBeenCalledWith('inventory/getArticle', raw, { actor: 'ui:ana' });
  });

  it('refuses an untrusted sender without calling dispatch, logging only its origin', async () => {
    const ipc = new InMemoryIpcMain();
    const dispatch = vi.fn();
    const { logger, lines } = recordingLogger();
    registerIpcHandlers(ipc, dispatch, () => false, { actor: 'ui:a', log: logger });
    const frame = { url: 'https://evil.example/path?secret=1', parent: null };
    const answer = await ipc.handlers.get('gsih:settings/update')!(
      { senderFrame: frame },
      { apiPort: 1 },
    );
    expect(answer).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Origen no autorizado' },
    });
    expect(dispatch).not.toHaveBeenCalled();
    expect(lines).toEqual([
      "warn IPC settings/update refused: sender is not the app's page (main frame at https://evil.example)",
    ]);
  });

  it('treats a sender frame that cannot be read (already disposed) as untrusted', async () => {
    const ipc = new InMemoryIpcMain();
    const dispatch = vi.fn();
    registerIpcHandlers(
      ipc,
      dispatch,
      () => {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      { actor: 'ui:a', log: recordingLogger().logger },
    );
    const answer = await ipc.handlers.get('gsih:app/info')!({ senderFrame: appFrame }, {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('turns a dispatcher that throws into a serialized error, logged with its cause', async () => {
    const ipc = new InMemoryIpcMain();
    const { logger, lines } = recordingLogger();
    const failing = vi.fn(async () => {
      throw new AppError('UNAVAILABLE', 'El núcleo se está cerrando');
    });
    registerIpcHandlers(ipc, failing, trustAll, { actor: 'ui:a', log: logger });
    const answer = await ipc.handlers.get('gsih:app/info')!({ senderFrame: appFrame }, {});
    expect(answer).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'El núcleo se está cerrando' },
    });
    expect(lines).toEqual(['error IPC app/info failed outside the dispatcher']);
  });
});

describe('forwardPushMessages', () => {
  it('sends each message to the live windows only, and stops when unsubscribed', () => {
    let emit: (message: PushMessage) => void = () => {};
    const unsubscribeCore = vi.fn();
    const subscribe = (listener: (message: PushMessage) => void) => {
      emit = listener;
      return unsubscribeCore;
    };
    const live = { isDestroyed: () => false, send: vi.fn() };
    const gone = { isDestroyed: () => true, send: vi.fn() };
    const flaky = {
      isDestroyed: () => false,
      send: vi.fn(() => {
        throw new Error('Object has been destroyed');
      }),
    };
    const { logger, lines } = recordingLogger();
    const stop = forwardPushMessages(subscribe, () => [flaky, gone, live], 'gsih:push', logger);

    const message: PushMessage = { event: 'logs/appended', payload: { cantidad: 1 } };
    emit(message);
    expect(live.send).toHaveBeenCalledWith('gsih:push', message);
    expect(gone.send).not.toHaveBeenCalled();
    expect(lines).toEqual(['warn push logs/appended not delivered to a window']);

    stop();
    expect(unsubscribeCore).toHaveBeenCalledTimes(1);
  });
});

import { EventEmitter } from 'node:events';
import type {
  IpcMainLike,
  InvokeEventLike,
  PushTargetLike,
} from '../../../src/main/electron/ipc-handlers';
import type { SenderFrameLike } from '../../../src/main/electron/trusted-url';
import type { IpcRendererLike } from '../../../src/preload/api';
import type { PushMessage } from '../../../src/shared/contract';

// An in-memory stand-in for Electron's ipcMain / ipcRenderer / webContents, behaving as Electron
// does where it matters to the transport: one handler per channel (a second `handle` throws),
// an unknown channel rejects the invoke, every payload is structured-cloned in both directions
// (class instances and functions do not survive), and delivery is asynchronous.

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

export class InMemoryIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export interface InMemoryRenderer {
  ipcRenderer: IpcRendererLike & { invokeCount: number };
  webContents: PushTargetLike & { destroy(): void };
}

/** One renderer (a window's page) connected to `ipcMain`, loaded from `frame`. */
export function connectRenderer(
  ipcMain: InMemoryIpcMain,
  frame: SenderFrameLike | null,
): InMemoryRenderer {
  const incoming = new EventEmitter();
  let destroyed = false;
  const ipcRenderer = {
    invokeCount: 0,
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      ipcRenderer.invokeCount++;
      const sent = structuredClone(args);
      await new Promise((resolve) => setImmediate(resolve));
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const result = await handler({ senderFrame: frame }, ...sent);
      return structuredClone(result);
    },
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      incoming.on(channel, listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      incoming.removeListener(channel, listener);
      return ipcRenderer;
    },
  };
  const webContents = {
    isDestroyed: () => destroyed,
    destroy: () => {
      destroyed = true;
    },
    send(channel: string, message: PushMessage) {
      if (destroyed) throw new Error('Object has been destroyed');
      const copy = structuredClone(message);
      setImmediate(() => incoming.emit(channel, { senderId: 0, ports: [] }, copy));
    },
  };
  return { ipcRenderer, webContents };
}

/** Lets pending setImmediate deliveries run. */
export async function flushIpc(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

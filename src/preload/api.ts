import {
  IPC_INVOKE_PREFIX,
  IPC_PUSH_CHANNEL,
  PUSH_EVENT_NAMES,
  isHandlerName,
  type GsihTransport,
  type PushMessage,
} from '../shared/contract';
import type { Envelope } from '../shared/errors';

// What the preload exposes as `window.gsih`, built over a minimal view of `ipcRenderer` so it
// is tested without Electron. The page gets exactly two functions: it can call the handlers of
// the contract and listen to push messages, nothing else of IPC.

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererLike) {
  return {
    invoke(name: string, input: unknown): Promise<unknown> {
      if (!isHandlerName(name)) {
        const refused: Envelope<never> = {
          ok: false,
          error: { code: 'UNKNOWN_HANDLER', message: `Operación desconocida: ${describe(name)}` },
        };
        return Promise.resolve(refused);
      }
      return ipc.invoke(IPC_INVOKE_PREFIX + name, input);
    },

    subscribe(listener: (message: PushMessage) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      // Drops the Electron event: the page never sees `event.sender` or `ipcRenderer`.
      const wrapped = (_event: unknown, message: unknown) => {
        if (isPushMessage(message)) listener(message);
      };
      ipc.on(IPC_PUSH_CHANNEL, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(IPC_PUSH_CHANNEL, wrapped);
      };
    },
  } satisfies GsihTransport;
}

function isPushMessage(value: unknown): value is PushMessage {
  if (typeof value !== 'object' || value === null) return false;
  const event = (value as { event?: unknown }).event;
  return (PUSH_EVENT_NAMES as readonly unknown[]).includes(event) && 'payload' in value;
}

function describe(name: unknown): string {
  const text = typeof name === 'string' ? name : typeof name;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

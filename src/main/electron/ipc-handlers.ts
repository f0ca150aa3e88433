import { HANDLER_NAMES, IPC_INVOKE_PREFIX, type PushMessage } from '../../shared/contract';
import { AppError, serializeError, type Envelope } from '../../shared/errors';
import type { Dispatch } from '../dispatch';
import type { Logger } from '../logger';
import type { SenderFrameLike } from './trusted-url';

// The IPC transport of the handler map: one loop registers every handler on `ipcMain`, each
// call is refused unless it comes from the app's own page, and the raw input goes to the
// dispatcher, which validates it. Pure module: it takes the minimal interfaces it uses, so it
// is tested over an in-memory pair without Electron.

/** What the loop needs of an invoke event: Electron's `IpcMainInvokeEvent.senderFrame`. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

/** The part of Electron's `ipcMain` the loop uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface RegisterIpcOptions {
  /** Recorded by the core on what the desktop user changes. */
  actor: string;
  log: Logger;
}

const registered = new WeakMap<IpcMainLike, Set<string>>();

/**
 * Registers `gsih:<name>` for every handler in the contract and returns a function that removes
 * them. Registering the map twice on the same `ipc` is a programming error and throws before
 * anything is registered.
 */
export function registerIpcHandlers(
  ipc: IpcMainLike,
  dispatch: Dispatch,
  isTrustedSender: (frame: SenderFrameLike | null) => boolean,
  { actor, log }: RegisterIpcOptions,
): () => void {
  const channels = HANDLER_NAMES.map((name) => IPC_INVOKE_PREFIX + name);
  const taken = registered.get(ipc) ?? new Set<string>();
  const duplicate =
    channels.find((channel) => taken.has(channel)) ??
    channels.find((channel, index) => channels.indexOf(channel) !== index);
  if (duplicate !== undefined) {
    throw new Error(`IPC handler registered twice: ${duplicate}`);
  }

  for (const [index, name] of HANDLER_NAMES.entries()) {
    const channel = channels[index]!;
    ipc.handle(channel, async (event, rawInput): Promise<Envelope<unknown>> => {
      if (!trusts(isTrustedSender, event, log)) {
        log.warn(`IPC ${name} refused: sender is not the app's page (${describeFrame(event)})`);
        return {
          ok: false,
          error: serializeError(new AppError('FORBIDDEN', 'Origen no autorizado')),
        };
      }
      try {
        return await dispatch(name, rawInput, { actor });
      } catch (error) {
        // dispatch serializes handler failures itself; reaching here is a bug in the core.
        log.error(`IPC ${name} failed outside the dispatcher`, error);
        return { ok: false, error: serializeError(error) };
      }
    });
    taken.add(channel);
  }
  registered.set(ipc, taken);

  return () => {
    for (const channel of channels) {
      ipc.removeHandler(channel);
      taken.delete(channel);
    }
  };
}

/** The part of Electron's `WebContents` push delivery uses. */
export interface PushTargetLike {
  isDestroyed(): boolean;
  send(channel: string, message: PushMessage): void;
}

/**
 * Forwards the core's push messages to the renderer windows alive at that moment. Returns the
 * core's unsubscribe function.
 */
export function forwardPushMessages(
  subscribe: (listener: (message: PushMessage) => void) => () => void,
  targets: () => Iterable<PushTargetLike>,
  channel: string,
  log: Logger,
): () => void {
  return subscribe((message) => {
    for (const target of targets()) {
      if (target.isDestroyed()) continue;
      try {
        target.send(channel, message);
      } catch (error) {
        // A window closing between the check and the send; the others still get the message.
        log.warn(`push ${message.event} not delivered to a window`, error);
      }
    }
  });
}

function trusts(
  isTrustedSender: (frame: SenderFrameLike | null) => boolean,
  event: InvokeEventLike,
  log: Logger,
): boolean {
  try {
    return isTrustedSender(event.senderFrame ?? null);
  } catch (error) {
    // Electron throws when a frame that is already gone is read; such a sender is not trusted.
    log.warn('IPC sender frame could not be read', error);
    return false;
  }
}

function describeFrame(event: InvokeEventLike): string {
  try {
    const frame = event.senderFrame;
    if (!frame) return 'no frame';
    // Only the origin: the log must not echo an arbitrary string from the page.
    return `${frame.parent === null ? 'main frame' : 'subframe'} at ${new URL(frame.url).origin}`;
  } catch {
    return 'frame gone or URL unparseable';
  }
}

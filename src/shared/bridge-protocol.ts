import { ClientError } from './client';
import type { GsihTransport, PushMessage } from './contract';
import { isSerializedError, type Envelope } from './errors';
import type { ChosenFile } from './imports';

// The loopback HTTP bridge that carries the handler map in headless mode (`gsih serve`).
//   POST {base}/bridge/invoke/{name}   body: JSON input   → Envelope (any status)
//   GET  {base}/bridge/events          → text/event-stream, one `data: PushMessage` per event
//   POST {base}/bridge/upload          body: the file's bytes, its name in X-GSIH-Nombre
//                                      (percent-encoded) → Envelope<ChosenFile>
//   GET  {base}/bridge/imports/{id}/rechazadas.csv → an import's rejected-rows report
// All need `Authorization: Bearer <token>`; the token is random per start and reaches the
// browser in the URL fragment (`#token=…`), which is never sent over the network.

export const BRIDGE_INVOKE_PATH = '/bridge/invoke/';
export const BRIDGE_EVENTS_PATH = '/bridge/events';
export const BRIDGE_TOKEN_PARAM = 'token';
export const BRIDGE_UPLOAD_PATH = '/bridge/upload';
export const BRIDGE_FILE_NAME_HEADER = 'x-gsih-nombre';

export function bridgeRejectedReportPath(id: number): string {
  return `/bridge/imports/${id}/rechazadas.csv`;
}

export interface BridgeTransportOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Delay before re-opening a dropped event stream. */
  reconnectDelayMs?: number;
}

export function createBridgeTransport(options: BridgeTransportOptions): GsihTransport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${options.token}` };

  return {
    async invoke(name, input) {
      let response: Response;
      try {
        response = await doFetch(`${base}${BRIDGE_INVOKE_PATH}${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return unavailable('No se puede contactar con el servicio GSIH. ¿Sigue en marcha?');
      }
      try {
        return (await response.json()) as Envelope<unknown>;
      } catch {
        return unavailable(`Respuesta no válida del servicio (HTTP ${response.status})`);
      }
    },

    subscribe(listener) {
      let stopped = false;
      let controller: AbortController | null = null;

      const run = async () => {
        while (!stopped) {
          controller = new AbortController();
          try {
            const response = await doFetch(`${base}${BRIDGE_EVENTS_PATH}`, {
              headers: { ...auth, Accept: 'text/event-stream' },
              signal: controller.signal,
            });
            if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
            await readEventStream(response.body, listener);
          } catch {
            // The stream dropped (service restarted, laptop slept): reconnect below.
          }
          if (!stopped) await sleep(options.reconnectDelayMs ?? 2000);
        }
      };
      void run();

      return () => {
        stopped = true;
        controller?.abort();
      };
    },
  };
}

/** The bridge's file routes, for the browser UI: what the desktop app does with its dialogs. */
export interface BridgeFiles {
  upload(file: Blob, name: string): Promise<ChosenFile>;
  /** An import's rejected-rows report, as the file's own bytes. */
  downloadRejectedReport(id: number): Promise<Blob>;
}

export function createBridgeFiles(
  options: Omit<BridgeTransportOptions, 'reconnectDelayMs'>,
): BridgeFiles {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${options.token}` };

  const send = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await doFetch(`${base}${path}`, init);
    } catch {
      throw new ClientError({
        code: 'UNAVAILABLE',
        message: 'No se puede contactar con el servicio GSIH. ¿Sigue en marcha?',
      });
    }
  };
  const failure = async (response: Response): Promise<ClientError> => {
    try {
      const envelope = (await response.json()) as Envelope<never>;
      if (!envelope.ok && isSerializedError(envelope.error)) return new ClientError(envelope.error);
    } catch {
      // Not an envelope: described below.
    }
    return new ClientError({
      code: 'UNAVAILABLE',
      message: `Respuesta no válida del servicio (HTTP ${response.status})`,
    });
  };

  return {
    async upload(file, name) {
      const response = await send(BRIDGE_UPLOAD_PATH, {
        method: 'POST',
        headers: {
          ...auth,
          'Content-Type': 'application/octet-stream',
          [BRIDGE_FILE_NAME_HEADER]: encodeURIComponent(name),
        },
        body: file,
      });
      if (!response.ok) throw await failure(response);
      const envelope = (await response.json()) as Envelope<ChosenFile>;
      if (envelope.ok) return envelope.result;
      throw new ClientError(envelope.error);
    },

    async downloadRejectedReport(id) {
      const response = await send(bridgeRejectedReportPath(id), { headers: auth });
      if (!response.ok) throw await failure(response);
      return response.blob();
    },
  };
}

async function readEventStream(
  body: ReadableStream<Uint8Array>,
  listener: (message: PushMessage) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) {
        try {
          listener(JSON.parse(data) as PushMessage);
        } catch {
          // A malformed frame is skipped; the next one is independent.
        }
      }
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function unavailable(message: string): Envelope<never> {
  return { ok: false, error: { code: 'UNAVAILABLE', message } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

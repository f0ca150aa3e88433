import type { GsihTransport, PushMessage } from './contract';
import type { Envelope } from './errors';

// The loopback HTTP bridge that carries the handler map in headless mode (`gsih serve`).
//   POST {base}/bridge/invoke/{name}   body: JSON input   → Envelope (any status)
//   GET  {base}/bridge/events          → text/event-stream, one `data: PushMessage` per event
// Both need `Authorization: Bearer <token>`; the token is random per start and reaches the
// browser in the URL fragment (`#token=…`), which is never sent over the network.

export const BRIDGE_INVOKE_PATH = '/bridge/invoke/';
export const BRIDGE_EVENTS_PATH = '/bridge/events';
export const BRIDGE_TOKEN_PARAM = 'token';

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

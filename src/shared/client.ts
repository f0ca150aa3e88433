import type { HandlerInput, HandlerName, HandlerResult, GsihTransport } from './contract';
import { isSerializedError, type Envelope, type SerializedError } from './errors';

/** An error returned by the core, as the renderer sees it. */
export class ClientError extends Error implements SerializedError {
  readonly code: SerializedError['code'];
  readonly details?: Record<string, string>;

  constructor(error: SerializedError) {
    super(error.message);
    this.name = 'ClientError';
    this.code = error.code;
    if (error.details) this.details = error.details;
  }
}

export interface GsihClient {
  invoke<K extends HandlerName>(name: K, input: HandlerInput<K>): Promise<HandlerResult<K>>;
  subscribe: GsihTransport['subscribe'];
}

/** The one typed client, over whichever transport the app runs on (Electron IPC or the bridge). */
export function createClient(transport: GsihTransport): GsihClient {
  return {
    async invoke(name, input) {
      const envelope = (await transport.invoke(name, input)) as Envelope<never>;
      if (envelope && typeof envelope === 'object' && 'ok' in envelope) {
        if (envelope.ok) return envelope.result;
        if (isSerializedError(envelope.error)) throw new ClientError(envelope.error);
      }
      throw new ClientError({ code: 'INTERNAL', message: 'Respuesta no válida del núcleo' });
    },
    subscribe: (listener) => transport.subscribe(listener),
  };
}

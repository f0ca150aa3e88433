import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { Clock } from '../clock';
import type { IntegrationLog } from '../logs/integration-log';
import { parseRetryAfter } from '../webhooks/schedule';
import { AppError, type ErrorCode } from '../../shared/errors';
import type { ErpConnector } from './config';

// The ERP's HTTP client: one request with its timeout, retried with exponential backoff and
// jitter on network errors, timeouts, 408/425/429/5xx and unreadable JSON (a truncated answer),
// honouring Retry-After. A 401 or 403 is never retried: it stops the run. Every attempt is one
// row of the integration log (sistema 'ERP'), without credentials.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this ends the attempts: the next run tries again. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

/**
 * The wait after failed attempt `attempt` (1-based): base · 2^(attempt−1), capped, with "equal
 * jitter" (half fixed, half random), so clients that failed together do not retry together and
 * none retries at once.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** Why a request to the ERP failed; `credenciales`, `permiso` and `cancelada` stop the run. */
export type ErpFailureKind =
  'credenciales' | 'permiso' | 'no_disponible' | 'respuesta' | 'rechazo' | 'cancelada';

const CODES: Record<ErpFailureKind, ErrorCode> = {
  credenciales: 'UNAUTHORIZED',
  permiso: 'FORBIDDEN',
  no_disponible: 'UNAVAILABLE',
  respuesta: 'UNAVAILABLE',
  rechazo: 'VALIDATION',
  cancelada: 'CONFLICT',
};

export class ErpRequestError extends AppError {
  constructor(
    readonly kind: ErpFailureKind,
    message: string,
    readonly status: number | null = null,
    cause?: unknown,
  ) {
    super(CODES[kind], message, undefined, cause);
    this.name = 'ErpRequestError';
  }

  /** Whether the whole run stops here (the same credentials fail every request). */
  get stopsRun(): boolean {
    return this.kind === 'credenciales' || this.kind === 'permiso' || this.kind === 'cancelada';
  }
}

export interface ErpCall {
  method: 'GET' | 'POST';
  url: string;
  /** What is asked, for messages: «la página 3 de artículos». */
  what: string;
  /** Sent as JSON. */
  body?: unknown;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Statuses that are an answer rather than a failure (a page number past the end: 404). */
  accept?: number[];
  /** What the integration log keeps of a good answer (its size, not its records). */
  summarize?: (json: unknown) => Record<string, unknown>;
  /** A dry run's requests say so in the log. */
  simulacion?: boolean;
  /**
   * A 2xx whose body is not JSON is still a success (a POST the ERP accepted: asking again
   * would only repeat it). Otherwise an unreadable body is retried like a 5xx.
   */
  lenientBody?: boolean;
}

export interface ErpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
  /** The ERP's clock (its Date header) when it answered. */
  date: Date | null;
  attempts: number;
}

export interface ErpHttpDeps {
  log: Pick<IntegrationLog, 'write'>;
  clock: Clock;
  /** Waits between attempts; rejects when the signal aborts. Tests pass one that records. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  dispatcher: Dispatcher;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;
const LOGGED_BODY_CHARS = 2_000;
export const ERP_LOG_SYSTEM = 'ERP';

export function createErpAgent(): Agent {
  return new Agent({ connections: 8, keepAliveTimeout: 30_000, pipelining: 1 });
}

const SECRET_PARAM = /(token|key|clave|secret|password|passwd|pwd|firma|signature|sig|auth)/i;
// OData's paging tokens are positions, not credentials: they stay readable in the log.
const PAGING_PARAM = /^\$?(skiptoken|deltatoken)$/i;

/** The URL as it may be shown and logged: query parameters that look secret are masked. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAM.test(name) && !PAGING_PARAM.test(name))
        parsed.searchParams.set(name, '[oculto]');
    }
    return decodeURIComponent(parsed.toString());
  } catch {
    return url;
  }
}

export function authHeaders(auth: ErpConnector['auth']): Record<string, string> {
  switch (auth.tipo) {
    case 'bearer':
      return { authorization: `Bearer ${auth.secreto ?? ''}` };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${auth.usuario ?? ''}:${auth.secreto ?? ''}`).toString('base64')}`,
      };
    case 'cabecera':
      return auth.nombre ? { [auth.nombre.toLowerCase()]: auth.secreto ?? '' } : {};
    default:
      return {};
  }
}

/** The ERP's own words about an error: OData's error.message, problem+json's detail, or text. */
export function erpMessage(text: string): string | null {
  if (!text.trim()) return null;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body.error as Record<string, unknown> | string | undefined;
    const candidates = [
      typeof error === 'object' && error !== null
        ? typeof error.message === 'object' && error.message !== null
          ? (error.message as { value?: unknown }).value
          : error.message
        : error,
      body.detail,
      body.message,
      body.mensaje,
      body.title,
    ];
    const found = candidates.find((c) => typeof c === 'string' && c.trim() !== '');
    if (typeof found === 'string') return found.slice(0, 300);
  } catch {
    // Not JSON: the text itself, if it is short enough to be a message.
  }
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length <= 300 ? plain : `${plain.slice(0, 300)}…`;
}

interface Outcome {
  status: number | null;
  headers: IncomingHttpHeaders;
  text: string | null;
  error: unknown;
  timedOut: boolean;
  durationMs: number;
}

export type ErpHttp = ReturnType<typeof createErpHttp>;

export function createErpHttp(connector: ErpConnector, deps: ErpHttpDeps) {
  const policy = { ...DEFAULT_RETRY, ...deps.retry };
  const random = deps.random ?? Math.random;
  const sleep =
    deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const credentials = authHeaders(connector.auth);
  const timeoutSeconds = (connector.timeout_ms / 1000).toLocaleString('es-ES', {
    maximumFractionDigits: 1,
  });

  async function attempt(call: ErpCall): Promise<Outcome> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(connector.timeout_ms);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'GSIH-Integraciones-ERP/1',
      ...call.headers,
      ...credentials,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
    try {
      const response = await request(call.url, {
        method: call.method,
        headers,
        body,
        dispatcher: deps.dispatcher,
        signal,
        headersTimeout: connector.timeout_ms,
        bodyTimeout: connector.timeout_ms,
      });
      const text = await readText(response.body);
      return {
        status: response.statusCode,
        headers: response.headers as IncomingHttpHeaders,
        text,
        error: null,
        timedOut: false,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        status: null,
        headers: {},
        text: null,
        error,
        timedOut: timeout.aborted && !call.signal?.aborted,
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  function logAttempt(
    call: ErpCall,
    n: number,
    outcome: Outcome,
    ok: boolean,
    received: Record<string, unknown> | null,
    error: string | null,
  ): void {
    const path = safePath(call.url);
    deps.log.write({
      sistema: ERP_LOG_SYSTEM,
      tipo: `${call.method} ${path}`,
      estado: ok ? 'OK' : 'ERROR',
      datos_enviados: {
        url: displayUrl(call.url),
        intento: n,
        ...(call.idempotencyKey ? { idempotency_key: call.idempotencyKey } : {}),
        ...(call.body !== undefined ? { cuerpo: call.body } : {}),
        ...(call.simulacion ? { simulacion: true } : {}),
      },
      datos_recibidos: outcome.status === null ? null : { status: outcome.status, ...received },
      error,
      duracion_ms: outcome.durationMs,
    });
  }

  return {
    async call(call: ErpCall): Promise<ErpAnswer> {
      for (let n = 1; ; n++) {
        if (call.signal?.aborted) throw cancelled(call);
        const outcome = await attempt(call);
        if (call.signal?.aborted) {
          logAttempt(call, n, outcome, false, null, 'Cancelada');
          throw cancelled(call);
        }
        const { status } = outcome;
        let retryAfterMs: number | null = null;
        let failure: string;

        if (status === null) {
          failure = outcome.timedOut
            ? `el ERP no respondió en ${timeoutSeconds} s`
            : `no se pudo conectar con el ERP (${networkCause(outcome.error)})`;
        } else if ((status >= 200 && status < 300) || call.accept?.includes(status)) {
          const parsed = parseJson(outcome.text ?? '');
          if (
            parsed.ok ||
            call.lenientBody ||
            status === 204 ||
            (outcome.text ?? '').trim() === '' ||
            call.accept?.includes(status)
          ) {
            const json = parsed.ok ? parsed.value : null;
            let summary: Record<string, unknown> = {};
            try {
              summary = call.summarize && parsed.ok ? call.summarize(json) : {};
            } catch {
              // A summary is for the log only.
            }
            logAttempt(call, n, outcome, true, summary, null);
            return {
              status,
              headers: outcome.headers,
              json,
              date: dateOf(outcome.headers),
              attempts: n,
            };
          }
          failure = `el ERP devolvió algo que no es JSON válido (${parsed.error})`;
          logAttempt(call, n, outcome, false, { cuerpo: preview(outcome.text) }, failure);
          if (n >= policy.attempts) {
            throw new ErpRequestError(
              'respuesta',
              `${capital(call.what)}: ${failure}, en ${n} intentos.`,
              status,
            );
          }
          await wait(call, n, null);
          continue;
        } else if (status === 401) {
          const message = `El ERP rechazó las credenciales (401) al pedir ${call.what}: no son válidas o han caducado. Actualícelas en la página ERP (o con «gsih erp configurar») y vuelva a sincronizar.${detail(outcome.text)}`;
          logAttempt(call, n, outcome, false, { cuerpo: preview(outcome.text) }, message);
          throw new ErpRequestError('credenciales', message, status);
        } else if (status === 403) {
          const message = `El ERP denegó el acceso (403) a ${call.what}: el usuario de la integración no tiene permiso. Revise sus permisos en el ERP.${detail(outcome.text)}`;
          logAttempt(call, n, outcome, false, { cuerpo: preview(outcome.text) }, message);
          throw new ErpRequestError('permiso', message, status);
        } else if (
          status === 408 ||
          status === 425 ||
          status === 429 ||
          status >= 500 ||
          // With an Idempotency-Key, 409 is "the same request is still being handled".
          (status === 409 && call.idempotencyKey !== undefined)
        ) {
          failure =
            status === 429
              ? 'el ERP limita las peticiones (429)'
              : `el ERP respondió ${status}${detail(outcome.text, ': ')}`;
          if (status === 429 || status === 503) {
            retryAfterMs = parseRetryAfter(outcome.headers['retry-after'], deps.clock.now());
          }
        } else {
          const message = `El ERP rechazó ${call.what} (${status})${detail(outcome.text, ': ')}${status === 404 ? '. Revise la ruta en la configuración del ERP' : ''}.`;
          logAttempt(call, n, outcome, false, { cuerpo: preview(outcome.text) }, message);
          throw new ErpRequestError('rechazo', message, status);
        }

        logAttempt(
          call,
          n,
          outcome,
          false,
          outcome.text === null ? null : { cuerpo: preview(outcome.text) },
          failure,
        );
        if (retryAfterMs !== null && retryAfterMs > policy.maxRetryAfterMs) {
          throw new ErpRequestError(
            'no_disponible',
            `${capital(call.what)}: ${failure} y pide esperar ${Math.round(retryAfterMs / 1000)} s (Retry-After), más de lo que espera una sincronización; se reintentará en la próxima.`,
            status,
          );
        }
        if (n >= policy.attempts) {
          throw new ErpRequestError(
            'no_disponible',
            `${capital(call.what)}: ${failure}, en ${n} intentos.`,
            status,
            outcome.error ?? undefined,
          );
        }
        await wait(call, n, retryAfterMs);
      }
    },
  };

  async function wait(call: ErpCall, n: number, retryAfterMs: number | null): Promise<void> {
    const ms = retryAfterMs ?? backoffDelay(n, policy, random);
    try {
      await sleep(ms, call.signal);
    } catch (error) {
      if (call.signal?.aborted) throw cancelled(call);
      throw error;
    }
  }
}

function cancelled(call: ErpCall): ErpRequestError {
  return new ErpRequestError(
    'cancelada',
    `Sincronización cancelada mientras se pedía ${call.what}.`,
  );
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function detail(text: string | null, prefix = ' El ERP dice: '): string {
  const message = text === null ? null : erpMessage(text);
  return message ? `${prefix}${message}` : '';
}

function preview(text: string | null): string | null {
  if (text === null) return null;
  return text.length > LOGGED_BODY_CHARS ? `${text.slice(0, LOGGED_BODY_CHARS)}…` : text;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function dateOf(headers: IncomingHttpHeaders): Date | null {
  const value = headers.date;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** The network failure in words staff can act on. */
function networkCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  switch (typeof causeCode === 'string' ? causeCode : code) {
    case 'ECONNREFUSED':
      return 'conexión rechazada: ¿está en marcha y en esa dirección?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no se encuentra el nombre del servidor';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'el ERP cerró la conexión sin responder';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no contesta a la conexión';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'dejó de responder';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return 'su certificado TLS no es válido';
    default:
      return (error as Error | null)?.message ?? String(error);
  }
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new Error(`respuesta de más de ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

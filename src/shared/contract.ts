import { z } from 'zod';
import {
  API_SCOPES,
  DEFAULT_API_SCOPES,
  DEFAULT_KEY_HOURLY_LIMIT,
  EVENT_TYPES,
  LOG_STATES,
  MOVEMENT_STATES,
  MOVEMENT_TYPES,
  ALERT_STATES,
  DELIVERY_STATES,
  type ApiKey,
  type ApiServerStatus,
  type AppInfo,
  type CreatedApiKey,
  type Webhook,
  type WebhookAttempt,
  type WebhookDelivery,
  type Article,
  type ArticleSummary,
  type LogEntry,
  type Movement,
  type OutboxEvent,
  type Page,
  type StockAlert,
  type StockLevel,
} from './domain';
import { settingsPatchSchema, type Settings } from './settings';
import {
  ALL_IMPORT_FIELDS,
  CSV_DELIMITERS,
  CSV_ENCODINGS,
  IMPORT_KINDS,
  NUMBER_FORMATS,
  type ChosenFile,
  type ImportIssue,
  type ImportPreview,
  type ImportProgress,
  type ImportState,
  type ImportSummary,
  type RunningImport,
} from './imports';
import {
  erpConfigInput,
  erpLedgerInput,
  erpPreviewInput,
  erpRetryInput,
  erpRunsInput,
  erpSyncInput,
  type ErpConfigView,
  type ErpLedgerEntry,
  type ErpPreview,
  type ErpRun,
  type ErpRunState,
  type ErpStatus,
} from './erp';
import { DASHBOARD_RANGES, type Dashboard } from './monitoring';

// The IPC contract: one map from handler name (`domain/verb`) to its input schema and result
// type. Main registers it over Electron IPC and over the loopback bridge; the renderer's client
// is derived from it. Adding a handler here is the only way to add one.

// Validation messages reach staff in the UI: Spanish, as the rest of the wire.
z.config(z.locales.es());

function handler<Result>() {
  return <Schema extends z.ZodType>(input: Schema) => ({
    input,
    result: undefined as unknown as Result,
  });
}

const MAX_TEXT = 200;
const text = (max = MAX_TEXT) => z.string().trim().max(max);
const requiredText = (max = MAX_TEXT) => text(max).min(1, 'Obligatorio');
const id = z.number().int().positive();
const quantity = z.number().finite().nonnegative().max(1e12);
const isoDate = z.iso.datetime({ offset: true });

const paging = {
  page: z.number().int().min(1).max(1_000_000).default(1),
  page_size: z.number().int().min(1).max(500).default(50),
};

const articleFields = {
  codigo: requiredText(64),
  nombre: requiredText(),
  material: text().nullable().default(null),
  diametro: z.number().finite().nonnegative().max(1e9).nullable().default(null),
  unidad: requiredText(20).default('unidad'),
  stock_minimo: quantity.default(0),
  referencia_externa: text(120).nullable().default(null),
};

export const createArticleInput = z.object(articleFields).strict();
export const updateArticleInput = z
  .object({
    id,
    ...Object.fromEntries(Object.entries(articleFields).map(([k, v]) => [k, v.optional()])),
  })
  .strict() as z.ZodType<{ id: number } & Partial<z.infer<typeof createArticleInput>>>;

export const createMovementInput = z
  .object({
    tipo: z.enum(MOVEMENT_TYPES),
    articulo: id,
    cantidad: quantity,
    almacen: requiredText(64).optional(),
    referencia: text().nullable().default(null),
    fecha: isoDate.optional(),
  })
  .strict()
  .refine((m) => m.tipo === 'AJUSTE' || m.cantidad > 0, {
    message: 'La cantidad debe ser mayor que cero',
    path: ['cantidad'],
  });

export const createApiKeyInput = z
  .object({
    nombre: requiredText(100),
    sistema: requiredText(64),
    scopes: z
      .array(z.enum(API_SCOPES))
      .min(1, 'Elija al menos un permiso')
      .max(API_SCOPES.length)
      .default([...DEFAULT_API_SCOPES]),
    /** Days until it expires; null or absent: it does not expire. */
    dias: z.number().int().min(1).max(3650).nullable().default(null),
    limite_hora: z.number().int().min(1).max(1_000_000).default(DEFAULT_KEY_HOURLY_LIMIT),
  })
  .strict();

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'Debe ser una URL http:// o https:// completa');
const webhookEvents = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'Elija al menos un evento')
  .max(EVENT_TYPES.length);

export const webhookInput = z
  .object({ nombre: requiredText(100), url: webhookUrl, eventos: webhookEvents })
  .strict();

/** A file handed to the core by `imports/pickFile` or the bridge's upload: never a path. */
const fileToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'Archivo no válido: elíjalo de nuevo');

/** How to read the file: each choice overrides what was detected. */
const readingChoices = {
  archivo: fileToken,
  tipo: z.enum(IMPORT_KINDS),
  codificacion: z.enum(CSV_ENCODINGS).optional(),
  delimitador: z.enum(CSV_DELIMITERS).optional(),
  formato_numeros: z.enum(NUMBER_FORMATS).optional(),
  /** Field → header as written in the file (null: not imported). Absent: matched by name. */
  columnas: z.partialRecord(z.enum(ALL_IMPORT_FIELDS), z.string().max(500).nullable()).optional(),
  /**
   * Without `columnas`: whether to use the columns chosen by hand last time for the same
   * headers (default) or match them by name again, forgetting that choice.
   */
  usar_recordadas: z.boolean().default(true),
};

export const importStartInput = z
  .object({
    ...readingChoices,
    /** Dry run: counts what would change and writes nothing but the history row. */
    simulacion: z.boolean().default(false),
    /** Import the valid rows and reject the rest, instead of all or nothing. */
    omitir_errores: z.boolean().default(false),
    /** Stock only: add the quantities instead of setting the counted stock. */
    sumar: z.boolean().default(false),
  })
  .strict()
  .refine((input) => !input.sumar || input.tipo === 'stock', {
    message: '«Sumar» solo vale para importar stock',
    path: ['sumar'],
  });

export const contract = {
  'app/info': handler<AppInfo>()(z.object({}).strict()),

  'inventory/listArticles': handler<Page<ArticleSummary>>()(
    z
      .object({
        texto: text().optional(),
        solo_bajo_minimo: z.boolean().optional(),
        ...paging,
      })
      .strict(),
  ),
  'inventory/getArticle': handler<ArticleSummary>()(z.object({ id }).strict()),
  'inventory/createArticle': handler<Article>()(createArticleInput),
  'inventory/updateArticle': handler<Article>()(updateArticleInput),
  'inventory/listStock': handler<Page<StockLevel>>()(
    z
      .object({
        articulo: id.optional(),
        almacen: text(64).optional(),
        bajo_minimo: z.boolean().optional(),
        ...paging,
      })
      .strict(),
  ),
  'inventory/listMovements': handler<Page<Movement>>()(
    z
      .object({
        estado: z.enum(MOVEMENT_STATES).optional(),
        tipo: z.enum(MOVEMENT_TYPES).optional(),
        articulo: id.optional(),
        desde: isoDate.optional(),
        hasta: isoDate.optional(),
        ...paging,
      })
      .strict(),
  ),
  'inventory/createMovement': handler<Movement>()(createMovementInput),
  'inventory/approveMovement': handler<Movement>()(z.object({ id }).strict()),
  'inventory/rejectMovement': handler<Movement>()(
    z.object({ id, motivo: text(500).nullable().default(null) }).strict(),
  ),
  'inventory/listAlerts': handler<Page<StockAlert>>()(
    z
      .object({ estado: z.enum(ALERT_STATES).optional(), articulo: id.optional(), ...paging })
      .strict(),
  ),

  'events/list': handler<Page<OutboxEvent>>()(
    z.object({ evento: z.enum(EVENT_TYPES).optional(), ...paging }).strict(),
  ),

  'logs/list': handler<Page<LogEntry>>()(
    z
      .object({
        sistema: text(64).optional(),
        tipo: text(64).optional(),
        estado: z.enum(LOG_STATES).optional(),
        texto: text().optional(),
        desde: isoDate.optional(),
        hasta: isoDate.optional(),
        ...paging,
      })
      .strict(),
  ),
  'logs/facets': handler<{ sistemas: string[]; tipos: string[] }>()(z.object({}).strict()),

  'keys/list': handler<Page<ApiKey>>()(
    z.object({ incluir_inactivas: z.boolean().default(true), ...paging }).strict(),
  ),
  'keys/create': handler<CreatedApiKey>()(createApiKeyInput),
  'keys/revoke': handler<ApiKey>()(z.object({ id }).strict()),

  'webhooks/list': handler<Page<Webhook>>()(z.object({ ...paging }).strict()),
  'webhooks/create': handler<Webhook & { secreto: string }>()(webhookInput),
  'webhooks/update': handler<Webhook>()(
    z
      .object({
        id,
        nombre: requiredText(100).optional(),
        url: webhookUrl.optional(),
        eventos: webhookEvents.optional(),
        activo: z.boolean().optional(),
      })
      .strict(),
  ),
  'webhooks/delete': handler<{ id: number }>()(z.object({ id }).strict()),
  'webhooks/secret': handler<{ secreto: string; secreto_anterior: string | null }>()(
    z.object({ id }).strict(),
  ),
  'webhooks/rotateSecret': handler<{ secreto: string; rotacion_hasta: string }>()(
    z.object({ id }).strict(),
  ),
  'webhooks/test': handler<WebhookDelivery>()(z.object({ id }).strict()),
  'webhooks/deliveries': handler<Page<WebhookDelivery>>()(
    z
      .object({ webhook: id.optional(), estado: z.enum(DELIVERY_STATES).optional(), ...paging })
      .strict(),
  ),
  'webhooks/attempts': handler<WebhookAttempt[]>()(z.object({ entrega: id }).strict()),
  'webhooks/resend': handler<WebhookDelivery>()(z.object({ entrega: id }).strict()),
  'webhooks/resendFailed': handler<{ reenviadas: number }>()(
    z.object({ webhook: id, desde: isoDate.optional(), hasta: isoDate.optional() }).strict(),
  ),

  /** Desktop app only: the native open dialog. Null when the user closed it. */
  'imports/pickFile': handler<ChosenFile | null>()(z.object({}).strict()),
  'imports/preview': handler<ImportPreview>()(z.object(readingChoices).strict()),
  'imports/start': handler<{ id: number }>()(importStartInput),
  'imports/cancel': handler<{ id: number }>()(z.object({ id }).strict()),
  /** The import running in this data directory (this process or another), or null. */
  'imports/current': handler<RunningImport | null>()(z.object({}).strict()),
  'imports/list': handler<Page<ImportSummary>>()(
    z.object({ tipo: z.enum(IMPORT_KINDS).optional(), ...paging }).strict(),
  ),
  'imports/get': handler<ImportSummary>()(z.object({ id }).strict()),
  'imports/issues': handler<Page<ImportIssue>>()(
    z.object({ id, severidad: z.enum(['error', 'advertencia']).optional(), ...paging }).strict(),
  ),
  /** Desktop app only: saves an import's rejected-rows report where the user says. */
  'imports/saveRejected': handler<{ guardado: string | null }>()(z.object({ id }).strict()),

  'api/status': handler<ApiServerStatus>()(z.object({}).strict()),

  /** The ERP connector's saved configuration, never its secrets; null when not configured. */
  'erp/config': handler<ErpConfigView | null>()(z.object({}).strict()),
  /** Saves it; a secret left out keeps the saved one (docs/ERP.md). */
  'erp/configure': handler<ErpConfigView>()(erpConfigInput),
  /** The first records of a list mapped as they would be stored, saving nothing. */
  'erp/preview': handler<ErpPreview>()(erpPreviewInput),
  /**
   * Starts a run and answers at once with its id (its progress and end come as `erp/changed`);
   * a dry run (`simulacion`) is not stored, so the answer waits for it and carries it.
   */
  'erp/sync': handler<{ id: number | null; simulacion: ErpRun | null }>()(erpSyncInput),
  /** Cancels the run of this process, if any. */
  'erp/cancel': handler<{ cancelada: boolean }>()(z.object({}).strict()),
  'erp/runs': handler<Page<ErpRun>>()(erpRunsInput),
  'erp/run': handler<ErpRun>()(z.object({ id }).strict()),
  /** The sync ledger, newest first, by run, kind, state or reference. */
  'erp/ledger': handler<Page<ErpLedgerEntry>>()(erpLedgerInput),
  /** Retries ledger rows in ERROR (the ones named, or all) as a run of its own. */
  'erp/retry': handler<{ id: number | null }>()(erpRetryInput),
  'erp/status': handler<ErpStatus>()(z.object({}).strict()),

  /** The Panel: the monitoring figures of the range that ends now, and their time series. */
  'dashboard/summary': handler<Dashboard>()(
    z.object({ rango: z.enum(DASHBOARD_RANGES).default('24h') }).strict(),
  ),

  'settings/get': handler<Settings>()(z.object({}).strict()),
  'settings/update': handler<Settings>()(settingsPatchSchema),
} as const;

export type Contract = typeof contract;
export type HandlerName = keyof Contract;
export const HANDLER_NAMES = Object.keys(contract) as HandlerName[];

/** What a caller passes (defaults may be left out). */
export type HandlerInput<K extends HandlerName> = z.input<Contract[K]['input']>;
/** What the handler receives, after validation and defaults. */
export type HandlerParsedInput<K extends HandlerName> = z.output<Contract[K]['input']>;
export type HandlerResult<K extends HandlerName> = Contract[K]['result'];

export function isHandlerName(name: unknown): name is HandlerName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

// Push events: main → renderer, over webContents.send or the bridge's event stream.
export interface PushEvents {
  'inventory/changed': { entidad: 'articulos' | 'movimientos' | 'alertas' | 'stock' };
  'logs/appended': { cantidad: number };
  'settings/changed': Settings;
  /** A key was created, revoked or used for the first time in a while. */
  'keys/changed': { id: number };
  /** An endpoint or one of its deliveries changed (created, delivered, failed, disabled). */
  'webhooks/changed': { id: number };
  /** The running import's progress (a few times a second). */
  'imports/progress': ImportProgress;
  /** An import started or ended; id null: one run by another process (`gsih import`). */
  'imports/changed': { id: number | null; estado: ImportState | null };
  /**
   * An ERP run started, progressed (at most twice a second), or ended, or the ERP's
   * configuration changed (ejecucion null); another process's run is seen as ejecucion null.
   */
  'erp/changed': { ejecucion: number | null; estado: ErpRunState | null };
}
export type PushEventName = keyof PushEvents;
export const PUSH_EVENT_NAMES: PushEventName[] = [
  'inventory/changed',
  'logs/appended',
  'settings/changed',
  'keys/changed',
  'webhooks/changed',
  'imports/progress',
  'imports/changed',
  'erp/changed',
];
/** One push event; a union discriminated by `event`, so checking it narrows the payload. */
export type PushMessage<K extends PushEventName = PushEventName> = {
  [E in K]: { event: E; payload: PushEvents[E] };
}[K];

/** Channel names used over Electron IPC. */
export const IPC_INVOKE_PREFIX = 'gsih:';
export const IPC_PUSH_CHANNEL = 'gsih:push';

/** What the preload exposes as `window.gsih` and what the bridge client implements too. */
export interface GsihTransport {
  invoke(name: string, input: unknown): Promise<unknown>;
  subscribe(listener: (message: PushMessage) => void): () => void;
}

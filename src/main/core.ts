import { join } from 'node:path';
import packageJson from '../../package.json';
import type { PushMessage } from '../shared/contract';
import { AppError } from '../shared/errors';
import { systemClock, type Clock } from './clock';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { MIGRATIONS } from './db/migrations';
import type { Migration } from './db/migrate';
import { openDatabase, toDatabaseError, type Db } from './db/open';
import { readChangeCounter, trackChanges } from './db/transaction';
import { createEventBus } from './events/bus';
import { createOutbox } from './events/outbox';
import { createInventoryService } from './inventory/service';
import { createKeyService } from './keys/service';
import { createWebhookService } from './webhooks/service';
import { createWebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher';
import { createIdempotencyStore } from './api/idempotency';
import { reachableUrls } from './api/addresses';
import { createResponseCache } from './api/response-cache';
import type { AuthLimits } from './api/auth';
import type { ApiServerStatus } from '../shared/domain';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createIntegrationLog } from './logs/integration-log';
import { createImportService, type ImportService } from './imports/service';
import { createImportUi, type BridgeFiles, type FileDialogs } from './import-ui/handlers';
import { createConsoleLogger, type Logger } from './logger';
import { createErpService, type ErpService, type ErpTuning } from './erp/service';
import { plainSecretBox, type SecretBox } from './erp/secret-box';
import { createMonitoring, type Monitoring } from './monitoring/report';
import { DATABASE_FILE, ensureDataDir } from './settings/paths';
import { createConfSettingsStore, type SettingsStore } from './settings/store';

export type { SettingsStore } from './settings/store';
export { createConfSettingsStore } from './settings/store';
export { resolveDefaultDataDir } from './settings/paths';

export interface CoreOptions {
  dataDir: string;
  settingsStore?: SettingsStore;
  headless?: boolean;
  logger?: Logger;
  clock?: Clock;
  migrations?: Migration[];
  /** better_sqlite3.node built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string | undefined;
  /** How often to look for commits made by other processes on the same database. */
  externalChangePollMs?: number;
  /** Overrides of the API's rate limits (tests). */
  apiLimits?: Partial<AuthLimits>;
  /** Overrides of the webhook dispatcher's timings and limits (tests, benchmarks). */
  webhookOptions?: Partial<Omit<DispatcherOptions, 'db' | 'clock' | 'log' | 'logger'>>;
  /** Told when an endpoint is disabled (the desktop app shows a notification). */
  onWebhookDisabled?: (webhook: { id: number; nombre: string; motivo: string }) => void;
  /**
   * The CSV import's worker (out/main/import-worker.js), given by the entry point that knows
   * where the bundle is; without it, imports are refused (previews and the history still work).
   */
  importWorkerFile?: string | undefined;
  /** The desktop app's open and save dialogs for the CSV import (absent headless). */
  fileDialogs?: FileDialogs | undefined;
  /**
   * Seals the ERP's credentials before they are stored: the desktop app's encrypts with the OS
   * key store (Electron's safeStorage); headless they are kept as given (docs/ERP.md).
   */
  secretBox?: SecretBox | undefined;
  /** The ERP client's retries, waits and timers (tests move time by hand). */
  erpTuning?: ErpTuning | undefined;
}

export interface StartOptions {
  /**
   * Where the external API listens; defaults to the settings (apiHost, apiPort). `false` keeps it
   * off (one-shot commands). With `required`, a failure to listen fails start() instead of being
   * reported in api/status.
   */
  api?: { host?: string | undefined; port?: number | undefined; required?: boolean } | false;
  /** Whether this process delivers webhooks (default true). */
  webhooks?: boolean;
  /** Whether this process runs the ERP sync on its schedule (default true). */
  erp?: boolean;
}

export interface Core {
  dispatch: Dispatch;
  subscribe(listener: (message: PushMessage) => void): () => void;
  readonly dataDir: string;
  readonly db: Db;
  readonly services: CoreServices;
  start(options?: StartOptions): Promise<void>;
  apiStatus(): ApiServerStatus;
  readonly dispatcher: ReturnType<typeof createWebhookDispatcher>;
  /** Idempotent: stops background work, flushes the log and closes the database. */
  stop(): Promise<void>;
}

export type CoreServices = ReturnType<typeof buildServices> & {
  settings: SettingsStore;
  imports: ImportService;
  /** The browser UI's upload and download of import files (the bridge's file routes). */
  importFiles: BridgeFiles;
  /** The ERP synchronizer (src/main/erp/service.ts). */
  erp: ErpService;
  /** The monitoring report and the Panel's figures (src/main/monitoring/report.ts). */
  monitoring: Monitoring;
};

/** The API re-checks for commits by other processes at most this often. */
const EXTERNAL_CHECK_INTERVAL_MS = 25;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

function buildServices(
  db: Db,
  clock: Clock,
  logger: Logger,
  emit: ReturnType<typeof createEventBus>['emit'],
  onWebhookConfigured: (id: number) => void,
  logThread: { file: string; nativeBinding?: string | undefined },
) {
  const webhooks = createWebhookService({
    db,
    clock,
    onChange: (id) => {
      emit('webhooks/changed', { id });
      // A new endpoint, a test ping or a resend may have made something due now; a changed
      // endpoint's rows claimed ahead must not go out with its old settings.
      onWebhookConfigured(id);
    },
  });
  const outbox = createOutbox(db, (event, now) => webhooks.enqueue(event, now));
  const inventory = createInventoryService({
    db,
    clock,
    outbox,
    onChange: ({ entidades }) =>
      entidades.forEach((entidad) => emit('inventory/changed', { entidad })),
  });
  const log = createIntegrationLog({
    db,
    clock,
    logger,
    onFlushed: (cantidad) => emit('logs/appended', { cantidad }),
    thread: logThread,
  });
  const keys = createKeyService({ db, clock, onChange: (id) => emit('keys/changed', { id }) });
  const idempotency = createIdempotencyStore(db, clock);
  return { outbox, inventory, log, keys, idempotency, webhooks };
}

/** The composition root: opens the data, builds the services and the handler map. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createConsoleLogger();
  const dataDir = options.dataDir;
  const databaseFile = join(dataDir, DATABASE_FILE);

  ensureDataDir(dataDir);
  const settings = options.settingsStore ?? createConfSettingsStore(dataDir);
  const db = openDatabase({
    file: databaseFile,
    migrations: options.migrations ?? MIGRATIONS,
    now: () => clock.now().toISOString(),
    nativeBinding: options.nativeBinding,
  });
  // The integration log's writer thread checkpoints the WAL, so this connection's commits (on the
  // thread that serves the API) never stop to copy it back and fsync.
  db.pragma('wal_autocheckpoint = 0');
  // Tells other connections' changes to the data from the log writer's commits.
  const changes = trackChanges(db);

  const bus = createEventBus((error) => logger.error('push listener failed', error));
  // Bound once the dispatcher exists, below: the services are built first.
  let wakeDispatcher = (_changedWebhook?: number) => {};
  const base = buildServices(db, clock, logger, bus.emit, (id) => wakeDispatcher(id), {
    file: databaseFile,
    nativeBinding: options.nativeBinding,
  });
  const imports = createImportService({
    db,
    clock,
    logger,
    log: base.log,
    dataDir,
    databaseFile,
    workerFile: options.importWorkerFile,
    nativeBinding: options.nativeBinding,
    // The import committed on its own connection: open windows refresh, the API's cached pages
    // go and the dispatcher looks for the deliveries it queued.
    onImported: ({ tipo }) => {
      const entidades =
        tipo === 'articulos'
          ? (['articulos', 'alertas'] as const)
          : (['stock', 'movimientos', 'alertas'] as const);
      for (const entidad of entidades) bus.emit('inventory/changed', { entidad });
    },
  });
  const importUi = createImportUi({
    db,
    clock,
    logger,
    dataDir,
    imports,
    dialogs: options.fileDialogs,
  });
  importUi.forwardEvents(bus.emit);
  const erp = createErpService({
    db,
    clock,
    logger,
    log: base.log,
    inventory: base.inventory,
    dataDir,
    secretBox: options.secretBox ?? plainSecretBox,
    emit: bus.emit,
    tuning: options.erpTuning,
  });
  const services: CoreServices = {
    ...base,
    settings,
    imports,
    importFiles: importUi.bridgeFiles,
    erp,
    monitoring: createMonitoring({ db, clock, erp, log: base.log }),
  };
  // Delivery progress reaches open windows at most every 250 ms per endpoint: a backlog
  // delivered at thousands per second must not become thousands of refreshes.
  const changedEndpoints = new Set<number>();
  let pushTimer: NodeJS.Timeout | null = null;
  const announceDeliveryProgress = (id: number) => {
    changedEndpoints.add(id);
    pushTimer ??= setTimeout(() => {
      pushTimer = null;
      for (const changed of changedEndpoints) bus.emit('webhooks/changed', { id: changed });
      changedEndpoints.clear();
    }, 250).unref();
  };
  const { inventory, outbox, log, keys, webhooks } = services;
  const dispatcher = createWebhookDispatcher({
    db,
    clock,
    log,
    logger,
    onChange: announceDeliveryProgress,
    onDisabled: (webhook) => {
      logger.warn(`webhook ${webhook.id} (${webhook.nombre}) disabled: ${webhook.motivo}`);
      options.onWebhookDisabled?.(webhook);
    },
    ...options.webhookOptions,
  });
  let dispatching = false;
  wakeDispatcher = (changedWebhook) => {
    if (changedWebhook !== undefined) dispatcher.endpointChanged(changedWebhook);
    if (dispatching) dispatcher.wake();
  };
  bus.subscribe((message) => {
    // New deliveries are committed with the inventory change that raised them.
    if (message.event === 'inventory/changed') wakeDispatcher();
  });
  let api: FastifyInstance | null = null;
  const readDataVersion = db.prepare('PRAGMA data_version').pluck();
  const responseCache = createResponseCache();
  bus.subscribe((message) => {
    if (message.event === 'inventory/changed') responseCache.clear();
  });
  let apiStatus: ApiServerStatus = {
    escuchando: false,
    host: settings.get().apiHost,
    port: null,
    direcciones: [],
    error: null,
  };

  const handlers: Handlers = {
    'app/info': () => ({
      version: packageJson.version,
      data_dir: dataDir,
      database_file: databaseFile,
      schema_version: (
        db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }
      ).v,
      headless: options.headless ?? true,
      counts: inventory.counts(),
    }),
    'inventory/listArticles': (input) => inventory.listArticles(input),
    'inventory/getArticle': ({ id }) => inventory.getArticle(id),
    'inventory/createArticle': (input) => inventory.createArticle(input),
    'inventory/updateArticle': ({ id, ...patch }) => inventory.updateArticle(id, patch),
    'inventory/listStock': (input) => inventory.listStock(input),
    'inventory/listMovements': (input) => inventory.listMovements(input),
    'inventory/createMovement': (input, ctx) =>
      inventory.createMovement({ ...input, origen: 'ui' }, ctx.actor),
    'inventory/approveMovement': ({ id }, ctx) => inventory.approveMovement(id, ctx.actor),
    'inventory/rejectMovement': ({ id, motivo }, ctx) =>
      inventory.rejectMovement(id, motivo, ctx.actor),
    'inventory/listAlerts': (input) => inventory.listAlerts(input),
    'events/list': (input) => outbox.list(input),
    'logs/list': (input) => {
      log.flush(); // what was just written is what the user expects to see
      return log.list(input);
    },
    'logs/facets': () => log.facets(),
    'keys/list': (input) => keys.list(input),
    'keys/create': (input) => keys.create(input),
    'keys/revoke': ({ id }) => keys.revoke(id),
    'api/status': () => apiStatus,
    'webhooks/list': (input) => webhooks.list(input),
    'webhooks/create': (input) => webhooks.create(input),
    'webhooks/update': ({ id, ...patch }) => webhooks.update(id, patch),
    'webhooks/delete': ({ id }) => webhooks.delete(id),
    'webhooks/secret': ({ id }) => webhooks.secret(id),
    'webhooks/rotateSecret': ({ id }) => webhooks.rotateSecret(id),
    'webhooks/test': ({ id }) => webhooks.test(id),
    'webhooks/deliveries': (input) => webhooks.deliveries(input),
    'webhooks/attempts': ({ entrega }) => webhooks.attempts(entrega),
    'webhooks/resend': ({ entrega }) => webhooks.resend(entrega),
    'webhooks/resendFailed': ({ webhook, desde, hasta }) =>
      webhooks.resendFailed(webhook, { desde, hasta }),
    ...importUi.handlers,
    'erp/config': () => erp.getConfig(),
    'erp/configure': (input) => erp.configure(input),
    'erp/preview': (input) => erp.preview(input),
    'erp/sync': async (input, ctx) => {
      const run = erp.startSync(input, { origen: 'ui', usuario: ctx.actor });
      // A real run goes on in the background and records its own end; a dry run is not stored.
      if (run.id !== null) return { id: run.id, simulacion: null };
      return { id: null, simulacion: await run.done };
    },
    'erp/cancel': () => ({ cancelada: erp.cancel() }),
    'erp/runs': (input) => erp.listRuns(input),
    'erp/run': ({ id }) => erp.getRun(id),
    'erp/ledger': (input) => erp.listLedger(input),
    'erp/retry': (input, ctx) => ({
      id: erp.retry(input, { origen: 'ui', usuario: ctx.actor }).id,
    }),
    'erp/status': () => erp.status(),
    'dashboard/summary': ({ rango }) => services.monitoring.dashboard(rango),
    'settings/get': () => settings.get(),
    'settings/update': (patch) => {
      const next = settings.update(patch);
      bus.emit('settings/changed', next);
      return next;
    },
  };

  const dispatch = createDispatcher(handlers, logger);
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const prune = () => {
    const { logRetentionDays, logRetentionMaxRows } = settings.get();
    try {
      const removed = log.prune({ days: logRetentionDays, maxRows: logRetentionMaxRows });
      if (removed > 0) logger.info(`integration log: pruned ${removed} entries`);
    } catch (error) {
      logger.error('integration log: pruning failed', toDatabaseError(error, databaseFile));
    }
  };

  // Another process (a one-shot `gsih` command) may commit to the same file; SQLite's
  // data_version changes when it does. Checked every second, so open windows refresh without
  // polling the tables, and by the API before a request when 25 ms have passed since the last
  // check, so a key revoked or an article changed by another process is seen by the next request
  // (each check opens a read transaction: ~15 µs under load, as much as the rest of a cached read).
  let dataVersion = readDataVersion.get() as number;
  let checkedAt = 0;
  const watchExternalChanges = () => {
    checkedAt = performance.now();
    const current = readDataVersion.get() as number;
    if (current === dataVersion && !changes.external) return;
    dataVersion = current;
    // Rows in the log (ours from the writer thread, or another process's).
    bus.emit('logs/appended', { cantidad: 0 });
    // Only a write transaction bumps the counter: the log writer's commits do not.
    const counter = readChangeCounter(db);
    if (counter === changes.seen && !changes.external) return;
    changes.seen = counter;
    changes.external = false;
    keys.forget();
    for (const entidad of ['articulos', 'movimientos', 'alertas', 'stock'] as const) {
      bus.emit('inventory/changed', { entidad });
    }
    // `gsih import` may have started or ended one.
    bus.emit('imports/changed', { id: null, estado: null });
    // So may `gsih erp sync` (or configured the ERP).
    bus.emit('erp/changed', { ejecucion: null, estado: null });
  };

  return {
    dispatch,
    subscribe: bus.subscribe,
    dataDir,
    db,
    services,
    apiStatus: () => apiStatus,
    dispatcher,
    async start(startOptions = {}) {
      prune();
      importUi.start();
      timers.push(setInterval(() => services.idempotency.prune(), PRUNE_INTERVAL_MS).unref());
      if (startOptions.webhooks !== false) {
        dispatching = true;
        dispatcher.start();
      }
      if (startOptions.api !== false) {
        const host = startOptions.api?.host ?? settings.get().apiHost;
        const port = startOptions.api?.port ?? settings.get().apiPort;
        // Loaded when the API starts: one-shot commands never serve it.
        const { buildApiServer } = await import('./api/server');
        api = await buildApiServer({
          ...services,
          clock,
          logger,
          limits: options.apiLimits,
          cache: responseCache,
          checkExternalChanges: () => {
            if (performance.now() - checkedAt >= EXTERNAL_CHECK_INTERVAL_MS) watchExternalChanges();
          },
        });
        try {
          await api.listen({ host, port });
          const bound = (api.server.address() as AddressInfo).port;
          apiStatus = {
            escuchando: true,
            host,
            port: bound,
            direcciones: reachableUrls(host, bound),
            error: null,
          };
        } catch (error) {
          await api.close();
          api = null;
          const code = (error as NodeJS.ErrnoException).code;
          const message =
            code === 'EADDRINUSE'
              ? `El puerto ${port} ya está en uso en ${host}: la API externa no está disponible. Elija otro puerto en Ajustes.`
              : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
                ? `La dirección ${host} no es de este equipo: la API externa no está disponible. Corríjala en Ajustes.`
                : code === 'EACCES'
                  ? `No hay permiso para escuchar en el puerto ${port}: la API externa no está disponible.`
                  : `La API externa no pudo arrancar en ${host}:${port}.`;
          apiStatus = { escuchando: false, host, port: null, direcciones: [], error: message };
          logger.error(`external API could not listen on ${host}:${port}`, error);
          if (startOptions.api?.required)
            throw new AppError('UNAVAILABLE', message, undefined, error);
        }
      }
      timers.push(setInterval(prune, PRUNE_INTERVAL_MS).unref());
      timers.push(setInterval(watchExternalChanges, options.externalChangePollMs ?? 1000).unref());
      // Not awaited: a run that is overdue starts now and goes on in the background.
      if (startOptions.erp !== false) void erp.startScheduler();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      timers.forEach(clearInterval);
      if (pushTimer) clearTimeout(pushTimer);
      await api?.close();
      dispatching = false;
      await dispatcher.stop();
      // A running import is cancelled (it rolls back) and records itself before the log closes.
      await imports.close();
      // So is an ERP run (what its pages applied stays; its watermark does not move).
      await erp.close();
      importUi.close();
      await log.close();
      db.close();
    },
  };
}

import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Db } from '../db/open';
import { refreshStatistics } from '../db/statistics';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { IntegrationLog } from '../logs/integration-log';
import type { InventoryChange, InventoryService } from '../inventory/service';
import type { EventBus } from '../events/bus';
import { validationError } from '../dispatch';
import { AppError } from '../../shared/errors';
import type { Page } from '../../shared/domain';
import {
  ERP_SYNC_KINDS,
  erpLedgerInput,
  erpPreviewInput,
  erpRetryInput,
  erpRunsInput,
  erpSyncInput,
  type ErpChange,
  type ErpConfigView,
  type ErpEntityResult,
  type ErpLedgerEntry,
  type ErpPreview,
  type ErpRun,
  type ErpRunKind,
  type ErpRunOrigin,
  type ErpRunState,
  type ErpRunStats,
  type ErpRunning,
  type ErpStatus,
  type ErpSyncKind,
} from '../../shared/erp';
import { createPullApplier, type DryRun, type PageResult } from './apply';
import { createErpConfigStore, type ErpConnector } from './config';
import {
  createErpAgent,
  createErpHttp,
  displayUrl,
  ERP_LOG_SYSTEM,
  ErpRequestError,
  type ErpHttp,
  type RetryPolicy,
} from './http';
import { createErpLedger } from './ledger';
import { acquireErpLock, busyMessage, readErpLock, type ErpLock } from './lock';
import { mapArticle, mapStock } from './mapping';
import { entityUrl, readPages, type ErpEntity, type ErpPage } from './pages';
import { createRunStore, emptyCounts, INTERRUPTED, runTotals } from './runs';
import { createErpScheduler, type Timers } from './scheduler';
import type { SecretBox } from './secret-box';

// The ERP synchronizer of the core: the connector's configuration, runs (on demand, on the
// schedule, dry), the ledger, retries and status. One run at a time per data directory, in this
// process (memory) and across processes (erp/sincronizacion.lock).
//
// A run goes through its entities in order: articles, stock (which needs the articles), then the
// movements to push. A pull reads from the entity's watermark (less an overlap) page by page,
// applying each page in one transaction; only once every page is read does the watermark move,
// to the newest modification time seen, but never past the ERP's clock when the pull began
// (so a record modified while it read, which it may have missed, is read by the next one).
// A 401 or 403 stops the run; any other failure fails its entity, and the next ones still run.

export interface ErpTuning {
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts (tests pass one that records and returns at once). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** The schedule's timers (tests move time by hand). */
  timers?: Timers;
  dispatcher?: Dispatcher;
  /** How often progress and inventory changes are pushed to open windows, at most. */
  announceEveryMs?: number;
}

export interface ErpServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  log: IntegrationLog;
  inventory: InventoryService;
  dataDir: string;
  secretBox: SecretBox;
  emit: EventBus['emit'];
  tuning?: ErpTuning | undefined;
}

/** Who asks for a run: the UI (with the actor of the request) or the CLI. */
export interface ErpRequester {
  origen: Exclude<ErpRunOrigin, 'programada'>;
  usuario: string;
}

export interface ErpRunHandle {
  /** null for a dry run (not stored). */
  id: number | null;
  /** Resolves with the run when it has ended, however it ended (it never rejects). */
  done: Promise<ErpRun>;
}

interface Current {
  id: number;
  tipo: ErpRunKind;
  origen: ErpRunOrigin;
  desde: string;
  controller: AbortController;
  progreso: ErpRunning['progreso'];
  done: Promise<ErpRun>;
}

/** The run an entity's pull or push belongs to (id null: a dry run, recorded nowhere). */
interface RunContext {
  id: number | null;
  signal?: AbortSignal;
  dry?: DryRun;
  onPage?: (n: number, records: number) => void;
}

interface EntityOutcome {
  result: ErpEntityResult;
  /** The failure stops the run (credentials, permission, cancellation). */
  stops: boolean;
}

const ENTITY_NAMES: Record<ErpSyncKind, string> = {
  articulos: 'artículos',
  stock: 'stock',
  movimientos: 'movimientos',
};

const PUSH_BATCH = 500;
const MAX_PREVIEW_FIELDS = 200;

/** Records created or updated by one pull from which the statistics are refreshed after it. */
const BULK_CHANGE = 1_000;

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

function emptyResult(): ErpEntityResult {
  return {
    estado: 'COMPLETADA',
    error: null,
    ...emptyCounts(),
    paginas: 0,
    paginacion: null,
    marca_desde: null,
    marca_hasta: null,
    duracion_ms: 0,
  };
}

function add(result: ErpEntityResult, page: PageResult, counts = true): void {
  if (counts) {
    result.leidos += page.leidos;
    result.sin_cambios += page.sin_cambios;
    result.fallidos += page.fallidos;
  }
  result.creados += page.creados;
  result.actualizados += page.actualizados;
}

/** The field names of records, nested objects one level deep as `Parent.Child`. */
function fieldNames(records: unknown[]): string[] {
  const names = new Set<string>();
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue;
    for (const [key, value] of Object.entries(record)) {
      if (key.startsWith('@') || key === '__metadata') continue;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const inner of Object.keys(value)) names.add(`${key}.${inner}`);
      } else names.add(key);
      if (names.size >= MAX_PREVIEW_FIELDS) return [...names];
    }
  }
  return [...names];
}

export type ErpService = ReturnType<typeof createErpService>;

export function createErpService(deps: ErpServiceDeps) {
  const { db, clock, logger, log, inventory, dataDir, emit } = deps;
  const tuning = deps.tuning ?? {};
  const config = createErpConfigStore({ db, clock, secretBox: deps.secretBox });
  const runs = createRunStore(db);
  const ledger = createErpLedger(db);
  const applier = createPullApplier({ db, inventory });
  const agent = tuning.dispatcher ?? createErpAgent();
  const announceEveryMs = tuning.announceEveryMs ?? 500;
  let current: Current | null = null;
  let closed = false;
  // Dry runs and previews (no lock, no run row): cancelled when the service closes.
  const unstored = new Set<AbortController>();

  // Open windows hear of progress and of inventory changes at most every announceEveryMs.
  const changedEntities = new Set<InventoryChange['entidades'][number]>();
  let inventoryTimer: NodeJS.Timeout | null = null;
  const flushInventory = () => {
    if (inventoryTimer) clearTimeout(inventoryTimer);
    inventoryTimer = null;
    for (const entidad of changedEntities) emit('inventory/changed', { entidad });
    changedEntities.clear();
  };
  const inventoryChanged = (entity: ErpEntity) => {
    const entidades: InventoryChange['entidades'] =
      entity === 'articulos' ? ['articulos', 'alertas'] : ['stock', 'movimientos', 'alertas'];
    entidades.forEach((e) => changedEntities.add(e));
    inventoryTimer ??= setTimeout(flushInventory, announceEveryMs);
    inventoryTimer.unref?.();
  };
  let lastProgress = 0;
  const announce = (id: number | null, estado: ErpRunState | null, progress = false) => {
    if (progress) {
      const now = performance.now();
      if (now - lastProgress < announceEveryMs) return;
      lastProgress = now;
    }
    emit('erp/changed', { ejecucion: id, estado });
  };

  function requireConnector(): ErpConnector {
    const connector = config.connector();
    if (!connector) {
      throw new AppError(
        'CONFLICT',
        'El ERP no está configurado: configúrelo en la página ERP o con «gsih erp configurar».',
      );
    }
    return connector;
  }

  function httpFor(connector: ErpConnector, retry?: Partial<RetryPolicy>): ErpHttp {
    return createErpHttp(connector, {
      log,
      clock,
      sleep: tuning.sleep,
      random: tuning.random,
      retry: { ...tuning.retry, ...retry },
      dispatcher: agent,
    });
  }

  function failed(result: ErpEntityResult, error: unknown, started: number): EntityOutcome {
    const cancelled = error instanceof ErpRequestError && error.kind === 'cancelada';
    if (!(error instanceof AppError)) logger.error('erp: a sync step failed', error);
    result.estado = cancelled ? 'CANCELADA' : 'FALLIDA';
    result.error =
      error instanceof AppError
        ? error.message
        : `Error interno (${error instanceof Error ? error.message : String(error)}); el detalle quedó en el registro de la aplicación.`;
    result.duracion_ms = Math.round(performance.now() - started);
    return {
      result,
      stops: error instanceof ErpRequestError ? error.stopsRun : !(error instanceof AppError),
    };
  }

  /** The watermark a completed pull leaves: the newest seen, capped at the ERP's clock. */
  function nextWatermark(
    old: { fecha: string | null; referencia: string | null } | null,
    newest: PageResult['newest'],
    capMs: number | null,
  ): { ms: number; ref: string } | null {
    if (newest === null) return null;
    const capped = capMs !== null && newest.ms > capMs ? { ms: capMs, ref: '' } : newest;
    if (old?.fecha) {
      const oldMs = Date.parse(old.fecha);
      if (oldMs > capped.ms || (oldMs === capped.ms && (old.referencia ?? '') >= capped.ref))
        return null;
    }
    return capped;
  }

  async function pull(
    entity: ErpEntity,
    connector: ErpConnector,
    http: ErpHttp,
    run: RunContext,
  ): Promise<EntityOutcome> {
    const started = performance.now();
    const result = emptyResult();
    const mark = ledger.watermark(entity);
    const incremental = connector.mapeo[entity].modificado !== null;
    const since =
      incremental && mark?.fecha
        ? new Date(Date.parse(mark.fecha) - connector.solapamiento_segundos * 1000)
        : null;
    result.marca_desde = since?.toISOString() ?? null;
    result.marca_hasta = mark?.fecha ?? null;
    const entityStart = clock.now().getTime();
    let newest: PageResult['newest'] = null;
    let capMs: number | null = null;
    try {
      for await (const page of readPages({
        http,
        connector,
        entity,
        since,
        signal: run.signal,
        simulacion: run.dry !== undefined,
      })) {
        // The ERP's clock when the pull began: anything modified after it may have been missed.
        capMs ??= page.date?.getTime() ?? entityStart;
        result.paginas++;
        result.paginacion = page.paginacion;
        const applied = run.dry
          ? run.dry.page(entity, page.registros, connector.mapeo)
          : applier.applyPage(entity, page.registros, connector.mapeo, run.id!, clock.now());
        add(result, applied);
        if (
          applied.newest &&
          (newest === null ||
            applied.newest.ms > newest.ms ||
            (applied.newest.ms === newest.ms && applied.newest.ref > newest.ref))
        )
          newest = applied.newest;
        if (applied.changedInventory && !run.dry) inventoryChanged(entity);
        run.onPage?.(result.paginas, result.leidos);
      }
      if (!run.dry && run.id !== null) {
        const retried = applier.retryEarlierErrors(entity, connector.mapeo, run.id, clock.now());
        add(result, retried, false);
        if (retried.changedInventory) inventoryChanged(entity);
        // A pull of many records is a bulk change: the planner's statistics follow it (~2 ms
        // with a million articles), or the stock page can walk every article after a first pull
        // (db/statistics.ts).
        if (result.creados + result.actualizados >= BULK_CHANGE) {
          writeTransaction(db, () => refreshStatistics(db), { dataChange: false })();
        }
        const next = incremental ? nextWatermark(mark, newest, capMs) : null;
        if (next) {
          const fecha = new Date(next.ms).toISOString();
          ledger.setWatermark(entity, fecha, next.ref, run.id, clock.now());
          result.marca_hasta = fecha;
        }
      }
      result.duracion_ms = Math.round(performance.now() - started);
      return { result, stops: false };
    } catch (error) {
      return failed(result, error, started);
    }
  }

  async function push(
    connector: ErpConnector,
    http: ErpHttp,
    run: RunContext,
  ): Promise<EntityOutcome> {
    const started = performance.now();
    const result = emptyResult();
    if (run.dry || run.id === null) {
      // What would be sent; nothing is queued, nothing is sent.
      result.leidos = ledger.countUnsent();
      result.duracion_ms = Math.round(performance.now() - started);
      return { result, stops: false };
    }
    const runId = run.id;
    const url = entityUrl(connector.url, connector.rutas.movimientos).toString();
    try {
      ledger.queueApproved(runId, clock.now());
      for (;;) {
        const batch = ledger.pending(PUSH_BATCH);
        if (batch.length === 0) break;
        for (const movement of batch) {
          result.leidos++;
          try {
            const answer = await http.call({
              method: 'POST',
              url,
              what: `el movimiento ${movement.referencia_interna ?? movement.referencia_externa}`,
              body: movement.body,
              idempotencyKey: movement.referencia_externa,
              signal: run.signal,
              lenientBody: true,
              summarize: (json) => ({ respuesta: json }),
            });
            ledger.recordPush(
              movement.id,
              {
                estado: 'SINCRONIZADO',
                enviado: movement.body,
                respuesta: answer.json,
                error: null,
              },
              runId,
              clock.now(),
            );
            result.enviados++;
          } catch (error) {
            const refused = error instanceof ErpRequestError && error.kind === 'rechazo';
            result.fallidos++;
            ledger.recordPush(
              movement.id,
              {
                // Refused: it needs someone to look (and «Reintentar»). Anything else: it is
                // pushed again, with the same Idempotency-Key, by the next run.
                estado: refused ? 'ERROR' : 'PENDIENTE',
                enviado: movement.body,
                error: error instanceof AppError ? error.message : String(error),
              },
              runId,
              clock.now(),
            );
            if (!refused) throw error;
          }
          run.onPage?.(1, result.leidos);
        }
      }
      result.duracion_ms = Math.round(performance.now() - started);
      return { result, stops: false };
    } catch (error) {
      return failed(result, error, started);
    }
  }

  function stateOf(detalle: ErpRun['detalle']): {
    estado: Exclude<ErpRunState, 'EN_CURSO'>;
    error: string | null;
  } {
    const results = Object.entries(detalle) as Array<[ErpSyncKind, ErpEntityResult]>;
    const cancelled = results.find(([, r]) => r.estado === 'CANCELADA');
    if (cancelled) return { estado: 'CANCELADA', error: cancelled[1].error };
    const failures = results.filter(([, r]) => r.estado === 'FALLIDA');
    if (failures.length === 0) return { estado: 'COMPLETADA', error: null };
    return {
      estado: 'FALLIDA',
      error: failures
        .map(([entity, r]) => `${capitalize(ENTITY_NAMES[entity])}: ${r.error}`)
        .join(' · '),
    };
  }

  function logRun(run: ErpRun): void {
    log.write({
      sistema: ERP_LOG_SYSTEM,
      tipo: `${run.simulacion ? 'simulación' : 'sincronización'} ${run.tipo}`,
      estado:
        run.simulacion || run.estado === 'CANCELADA'
          ? 'INFO'
          : run.estado === 'COMPLETADA'
            ? 'OK'
            : 'ERROR',
      datos_enviados: {
        ejecucion: run.id,
        tipo: run.tipo,
        origen: run.origen,
        usuario: run.usuario,
      },
      datos_recibidos: {
        estado: run.estado,
        leidos: run.leidos,
        creados: run.creados,
        actualizados: run.actualizados,
        sin_cambios: run.sin_cambios,
        fallidos: run.fallidos,
        enviados: run.enviados,
        detalle: run.detalle,
      },
      error: run.error,
      duracion_ms: run.duracion_ms,
    });
  }

  /** The entities a run goes through, with what each does. */
  type Step = (ctx: {
    connector: ErpConnector;
    http: ErpHttp;
    id: number;
    signal: AbortSignal;
    onPage: (entity: ErpSyncKind) => (n: number, records: number) => void;
  }) => Promise<Partial<Record<ErpSyncKind, EntityOutcome>> | EntityOutcome>;

  /** Starts a stored run under the lock; `steps` run in order until one stops the run. */
  function startRun(
    tipo: ErpRunKind,
    who: { origen: ErpRunOrigin; usuario: string },
    steps: Array<[ErpSyncKind, Step]>,
  ): ErpRunHandle {
    if (closed) throw new AppError('UNAVAILABLE', 'El servicio se está parando.');
    const connector = requireConnector();
    if (current) {
      throw new AppError(
        'CONFLICT',
        busyMessage({ pid: process.pid, origen: current.origen, inicio: current.desde }, true),
      );
    }
    const now = clock.now();
    const lock: ErpLock = acquireErpLock(
      dataDir,
      { tipo, origen: who.origen, inicio: now.toISOString() },
      // Told in the integration log, where the staff look, and recorded by runs.begin below.
      (stale) =>
        log.write({
          sistema: ERP_LOG_SYSTEM,
          tipo: 'sincronización interrumpida',
          estado: 'ERROR',
          datos_enviados: { ejecucion: stale.ejecucion, pid: stale.pid, desde: stale.inicio },
          error: INTERRUPTED,
        }),
    );
    let id: number;
    try {
      id = runs.begin(tipo, who.origen, who.usuario, now);
      lock.setRun(id);
    } catch (error) {
      lock.release();
      throw error;
    }
    const controller = new AbortController();
    const started = performance.now();
    const http = httpFor(connector);
    const self: Current = {
      id,
      tipo,
      origen: who.origen,
      desde: now.toISOString(),
      controller,
      progreso: null,
      done: null as unknown as Promise<ErpRun>,
    };
    current = self;
    announce(id, 'EN_CURSO');

    const onPage = (entity: ErpSyncKind) => (paginas: number, registros: number) => {
      self.progreso = { entidad: entity, paginas, registros };
      announce(id, 'EN_CURSO', true);
    };

    self.done = (async (): Promise<ErpRun> => {
      const detalle: ErpRun['detalle'] = {};
      let stopped = false;
      for (const [entity, step] of steps) {
        if (stopped) {
          detalle[entity] = { ...emptyResult(), estado: 'OMITIDA' };
          continue;
        }
        self.progreso = { entidad: entity, paginas: 0, registros: 0 };
        let outcome: EntityOutcome;
        try {
          const produced = await step({ connector, http, id, signal: controller.signal, onPage });
          if ('result' in produced) outcome = produced as EntityOutcome;
          else {
            // A step that covered several entities (a retry).
            const several = produced as Partial<Record<ErpSyncKind, EntityOutcome>>;
            for (const [name, one] of Object.entries(several) as Array<
              [ErpSyncKind, EntityOutcome]
            >) {
              detalle[name] = one.result;
              if (one.stops) stopped = true;
            }
            continue;
          }
        } catch (error) {
          outcome = failed(emptyResult(), error, performance.now());
        }
        detalle[entity] = outcome.result;
        if (outcome.stops) stopped = true;
      }
      const { estado, error } = stateOf(detalle);
      let run: ErpRun;
      try {
        run = runs.finish(id, {
          estado,
          error,
          detalle,
          fecha_fin: clock.now().toISOString(),
          duracion_ms: Math.round(performance.now() - started),
        });
      } catch (failure) {
        // The data of each page is committed already; only the run's row is missing its end.
        logger.error(`erp: run ${id} could not be recorded`, failure);
        run = {
          id,
          tipo,
          origen: who.origen,
          usuario: who.usuario,
          simulacion: false,
          estado,
          error,
          detalle,
          ...runTotals(detalle),
          fecha_inicio: self.desde,
          fecha_fin: clock.now().toISOString(),
          duracion_ms: Math.round(performance.now() - started),
        };
      }
      return run;
    })().then(
      (run) => {
        finish(run);
        return run;
      },
      (error: unknown) => {
        // Unreachable by design (every step's failure is caught); never leave the lock behind.
        logger.error('erp: run failed unexpectedly', error);
        const run = runs.get(id);
        finish(run);
        return run;
      },
    );

    function finish(run: ErpRun) {
      lock.release();
      current = null;
      flushInventory();
      logRun(run);
      announce(id, run.estado);
      scheduler.reschedule();
    }

    return { id, done: self.done };
  }

  function syncSteps(kinds: readonly ErpSyncKind[]): Array<[ErpSyncKind, Step]> {
    return kinds.map((kind) => [
      kind,
      ({ connector, http, id, signal, onPage }) =>
        kind === 'movimientos'
          ? push(connector, http, { id, signal, onPage: onPage(kind) })
          : pull(kind, connector, http, { id, signal, onPage: onPage(kind) }),
    ]);
  }

  async function dryRun(
    kinds: readonly ErpSyncKind[],
    who: { origen: ErpRunOrigin; usuario: string },
  ): Promise<ErpRun> {
    const controller = new AbortController();
    unstored.add(controller);
    try {
      return await dryRunWith(kinds, who, controller.signal);
    } finally {
      unstored.delete(controller);
    }
  }

  async function dryRunWith(
    kinds: readonly ErpSyncKind[],
    who: { origen: ErpRunOrigin; usuario: string },
    signal: AbortSignal,
  ): Promise<ErpRun> {
    const connector = requireConnector();
    const http = httpFor(connector);
    const dry = applier.dryRun();
    const started = performance.now();
    const desde = clock.now().toISOString();
    const detalle: ErpRun['detalle'] = {};
    let stopped = false;
    for (const kind of kinds) {
      if (stopped) {
        detalle[kind] = { ...emptyResult(), estado: 'OMITIDA' };
        continue;
      }
      const outcome =
        kind === 'movimientos'
          ? await push(connector, http, { id: null, dry, signal })
          : await pull(kind, connector, http, { id: null, dry, signal });
      detalle[kind] = outcome.result;
      stopped = outcome.stops;
    }
    const { estado, error } = stateOf(detalle);
    const run: ErpRun = {
      id: null,
      tipo: kinds.length === ERP_SYNC_KINDS.length ? 'completa' : kinds[0]!,
      origen: who.origen,
      usuario: who.usuario,
      simulacion: true,
      estado,
      error,
      detalle,
      ...runTotals(detalle),
      fecha_inicio: desde,
      fecha_fin: clock.now().toISOString(),
      duracion_ms: Math.round(performance.now() - started),
      cambios: dry.changes as ErpChange[],
    };
    logRun(run);
    return run;
  }

  const scheduler = createErpScheduler({
    clock,
    timers: tuning.timers,
    logger,
    nextDue() {
      const schedule = config.schedule();
      if (!schedule?.activo) return null;
      const last = runs.lastFullStart();
      return last === null
        ? clock.now()
        : new Date(Date.parse(last) + schedule.cada_segundos * 1000);
    },
    busy: () => current !== null || readErpLock(dataDir) !== null,
    run: () =>
      startRun(
        'completa',
        { origen: 'programada', usuario: 'programada' },
        syncSteps(ERP_SYNC_KINDS),
      ).done,
  });

  function nextDueIso(): string | null {
    const schedule = config.schedule();
    if (!schedule?.activo) return null;
    const last = runs.lastFullStart();
    return last === null
      ? clock.now().toISOString()
      : new Date(Date.parse(last) + schedule.cada_segundos * 1000).toISOString();
  }

  function startSync(input: unknown, who: ErpRequester): ErpRunHandle {
    const { tipo, simulacion } = parseWith(erpSyncInput, input);
    const kinds = tipo ? [tipo] : ERP_SYNC_KINDS;
    if (simulacion) {
      requireConnector();
      return { id: null, done: dryRun(kinds, who) };
    }
    return startRun(tipo ?? 'completa', who, syncSteps(kinds));
  }

  return {
    /** The saved configuration, without secrets; null when the ERP is not configured. */
    getConfig(): ErpConfigView | null {
      return config.view();
    },

    /**
     * Validates (ErpConfigInput) and saves. A secret left out keeps the saved one (same kind of
     * authentication and same ERP address). Changing what is read (address, profile, paths,
     * mapping, parameters) starts the watermarks over: the next pull reads everything.
     */
    configure(input: unknown): ErpConfigView {
      const { view, restarted } = config.configure(input);
      log.write({
        sistema: ERP_LOG_SYSTEM,
        tipo: 'configuración',
        estado: 'INFO',
        datos_enviados: {
          url: view.url,
          perfil: view.perfil,
          autenticacion: view.autenticacion.tipo,
          cada_segundos: view.cada_segundos,
          activo: view.activo,
          marcas_reiniciadas: restarted,
        },
      });
      announce(null, null);
      scheduler.reschedule();
      return view;
    },

    /**
     * The first records of a list, mapped as they would be stored, without saving anything: with
     * `configuracion`, the one being edited (its secrets may be left out to use the saved ones).
     */
    async preview(input: unknown): Promise<ErpPreview> {
      const parsed = parseWith(erpPreviewInput, input);
      const connector = parsed.configuracion
        ? config.resolve(config.parse(parsed.configuracion)).connector
        : requireConnector();
      // A person is waiting: one retry at most, and no long waits.
      const http = httpFor(connector, { attempts: 2, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 });
      const controller = new AbortController();
      unstored.add(controller);
      const pages = readPages({
        http,
        connector,
        entity: parsed.tipo,
        since: null,
        onlyFirst: parsed.limite,
        simulacion: true,
        signal: controller.signal,
      });
      let first: IteratorResult<ErpPage>;
      try {
        first = await pages.next();
        await pages.return(undefined);
      } finally {
        unstored.delete(controller);
      }
      if (first.done) throw new AppError('UNAVAILABLE', 'El ERP no devolvió ninguna página.');
      const records = first.value.registros.slice(0, parsed.limite);
      const mapping = connector.mapeo;
      return {
        tipo: parsed.tipo,
        url: displayUrl(first.value.url),
        paginacion: first.value.paginacion,
        campos: fieldNames(records),
        registros: records.map((original) => {
          const mapped =
            parsed.tipo === 'articulos'
              ? mapArticle(original, mapping.articulos)
              : mapStock(original, mapping.stock);
          if (!mapped.ok) return { original, mapeado: null, error: mapped.error };
          const value = mapped.value;
          const mapeado: Record<string, unknown> =
            'fields' in value
              ? {
                  referencia_externa: value.referencia,
                  ...value.fields,
                  modificado:
                    value.modificado === null ? null : new Date(value.modificado).toISOString(),
                }
              : {
                  articulo: value.articulo,
                  almacen: value.almacen,
                  cantidad: value.cantidad,
                  modificado:
                    value.modificado === null ? null : new Date(value.modificado).toISOString(),
                };
          return { original, mapeado, error: null };
        }),
      };
    },

    /**
     * Starts a run (ErpSyncInput: `tipo`, `simulacion`) and returns at once with its id and a
     * promise of its end. Refused with CONFLICT while another runs (in any process) or when the
     * ERP is not configured. A dry run is not stored (id null) and takes no lock.
     */
    startSync,

    /** startSync, waiting for the run to end. */
    async syncNow(input: unknown, who: ErpRequester): Promise<ErpRun> {
      return startSync(input, who).done;
    },

    /** Cancels the run of this process, if any: it ends CANCELADA, keeping what it applied. */
    cancel(): boolean {
      if (!current) return false;
      current.controller.abort();
      return true;
    },

    /**
     * Retries ledger rows in ERROR (ErpRetryInput: `ids`, or all): pulled records are applied
     * again from the record they keep, with the current mapping; movements are pushed again.
     * It is a run of its own (tipo 'reintento'), under the same lock.
     */
    retry(input: unknown, who: ErpRequester): ErpRunHandle {
      const { ids } = parseWith(erpRetryInput, input);
      const rows = ledger.errorRows(ids);
      const step: Step = async ({ connector, http, id, signal, onPage }) => {
        const outcomes: Partial<Record<ErpSyncKind, EntityOutcome>> = {};
        if (rows.pulled.length > 0) {
          const started = performance.now();
          const retried = applier.retryRows(rows.pulled, connector.mapeo, id, clock.now());
          for (const entity of ['articulos', 'stock'] as const) {
            const page = retried[entity];
            if (page.leidos === 0) continue;
            const result = emptyResult();
            add(result, page);
            result.duracion_ms = Math.round(performance.now() - started);
            if (page.changedInventory) inventoryChanged(entity);
            outcomes[entity] = { result, stops: false };
          }
        }
        if (rows.movements.length > 0) {
          ledger.requeue(rows.movements);
          outcomes.movimientos = await push(connector, http, {
            id,
            signal,
            onPage: onPage('movimientos'),
          });
        }
        return outcomes;
      };
      return startRun('reintento', who, [['articulos', step]]);
    },

    listRuns(input: unknown): Page<ErpRun> {
      return runs.list(parseWith(erpRunsInput, input));
    },

    getRun(id: number): ErpRun {
      return runs.get(id);
    },

    /**
     * Ended runs by outcome within an optional range (ISO dates), for the monitoring report;
     * the next scheduled run is `status().proxima`.
     */
    runStats(range: { desde?: string | undefined; hasta?: string | undefined } = {}): ErpRunStats {
      return runs.stats(range);
    },

    /** The ledger, newest first (ErpLedgerInput: tipo, estado, texto, ejecucion, paging). */
    listLedger(input: unknown): Page<ErpLedgerEntry> {
      return ledger.list(parseWith(erpLedgerInput, input));
    },

    status(): ErpStatus {
      const schedule = config.schedule();
      let en_curso: ErpRunning | null = null;
      if (current) {
        en_curso = {
          id: current.id,
          tipo: current.tipo,
          origen: current.origen,
          desde: current.desde,
          pid: process.pid,
          propia: true,
          progreso: current.progreso,
        };
      } else {
        const other = readErpLock(dataDir);
        if (other) {
          en_curso = {
            id: other.ejecucion,
            tipo: other.tipo,
            origen: other.origen,
            desde: other.inicio,
            pid: other.pid,
            propia: false,
            progreso: null,
          };
        }
      }
      return {
        configurado: schedule !== null,
        activo: schedule?.activo ?? false,
        cada_segundos: schedule?.cada_segundos ?? null,
        ultima: runs.lastEnded(),
        proxima: nextDueIso(),
        en_curso,
        registros: ledger.counts(),
        marcas: {
          articulos: ledger.watermark('articulos')?.fecha ?? null,
          stock: ledger.watermark('stock')?.fecha ?? null,
        },
      };
    },

    /** Starts the schedule (the core's start): a run that is overdue starts now. */
    startScheduler(): Promise<void> {
      return scheduler.start();
    },

    /** The schedule, for tests: look now whether a run is due. */
    scheduler,

    /** Stops the schedule, cancels a run going on (it records itself) and closes connections. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const running = current;
      running?.controller.abort();
      unstored.forEach((controller) => controller.abort());
      await scheduler.stop();
      await running?.done;
      flushInventory();
      if (!tuning.dispatcher) await agent.close();
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

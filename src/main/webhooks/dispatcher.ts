import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import type { Db } from '../db/open';
import { ifWriteLockFree, LOCKED, writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import type { IntegrationLog } from '../logs/integration-log';
import type { Logger } from '../logger';
import { redactText } from '../logs/redact';
import { isProcessAlive } from '../process-alive';
import { post } from './post';
import { signatureHeaders } from './signing';
import { nextDelay, parseRetryAfter } from './schedule';

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  log: IntegrationLog;
  logger: Logger;
  /** Called when an endpoint's state or one of its deliveries changed. */
  onChange?: (webhookId: number) => void;
  /** Called when an endpoint is disabled, with the reason (banner / desktop notification). */
  onDisabled?: (webhook: { id: number; nombre: string; motivo: string }) => void;
  timeoutMs?: number;
  perEndpoint?: number;
  maxInFlight?: number;
  leaseMs?: number;
  /** An endpoint failing continuously for this long is disabled (default 5 days). */
  disableAfterMs?: number;
  pollMs?: number;
  random?: () => number;
  /** The HTTP client; tests and the benchmark may pass their own. */
  dispatcher?: Dispatcher;
}

/** Endpoints with due work read per query while claiming. */
const CLAIM_PAGE = 64;
/**
 * Rows of one endpoint a slot claims ahead while the endpoint answers 2xx quickly: their attempts
 * are then recorded in batches while the slot goes on sending, instead of one commit per attempt
 * with the slot waiting on it (with one busy endpoint, at most 4 attempts finish per turn).
 */
export const PREFETCH = 8;
/** An answer slower than this, or a failure, claims one row at a time again. */
const FAST_ANSWER_MS = 1_000;
/** Attempts waiting to be recorded are committed after this long at most… */
const RECORD_WITHIN_MS = 5;
/** …or as soon as this many wait, or a slot needs its next rows. */
const RECORD_BATCH = 64;
/** A row claimed ahead is only sent if its lease outlasts a whole attempt by this much. */
const LEASE_MARGIN_MS = 1_000;

interface Delivery {
  id: number;
  webhook_id: number;
  evento_id: string;
  evento: string;
  cuerpo: string;
  intentos: number;
}

interface Claimed extends Delivery {
  /** When this process's lease on the row ends (ms, by the dispatcher's clock). */
  leaseUntil: number;
  /** The endpoint's settings version when the row was read (see `endpointChanged`). */
  version: number;
  url: string;
  nombre: string;
  secreto: string;
  secreto_anterior: string | null;
  secreto_anterior_hasta: string | null;
  fallos_consecutivos: number;
  fallando_desde: string | null;
}

interface Recorded {
  lost: boolean;
  disabled: string | null;
  /** The same endpoint's next rows, claimed in the recording transaction (as many as wanted). */
  next: Claimed[];
}

interface Finished {
  row: Claimed;
  outcome: Outcome;
  /** How many of the endpoint's next due rows to claim with it. */
  want: number;
  resolve: (recorded: Recorded | null) => void;
}

interface Outcome {
  status: number | null;
  body: string | null;
  error: string | null;
  retryAfterMs: number | null;
  durationMs: number;
}

const RESPONSE_PREVIEW_BYTES = 4096;

/**
 * Delivers webhook rows from the durable queue. Rows are claimed with a lease inside one SQLite
 * write transaction, so two dispatchers on one data directory never send the same attempt, and a
 * process that dies mid-delivery leaves rows whose lease expires and are claimed again.
 */
export function createWebhookDispatcher(options: DispatcherOptions) {
  const { db, clock, log, logger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const perEndpoint = options.perEndpoint ?? 4;
  const maxInFlight = options.maxInFlight ?? 64;
  // Longer than one attempt can take (the timeout plus recording), short enough that a crash
  // delays the rows it held by well under a minute.
  const leaseMs = options.leaseMs ?? timeoutMs * 2 + 5_000;
  const disableAfterMs = options.disableAfterMs ?? 5 * 24 * 60 * 60 * 1000;
  const random = options.random ?? Math.random;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const http =
    options.dispatcher ??
    // undici limits connections per origin, and many endpoints may share one (paths of one
    // receiver): the per-endpoint limit is the claim's job, so the pool never queues a request.
    new Agent({
      connections: maxInFlight,
      keepAliveTimeout: 10_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });

  // Claiming reads only what it takes: endpoints with due work in id order after a cursor, a page
  // at a time, stopping once the free slots are filled, then per endpoint its free slots and its
  // oldest due rows (all through indexes). Its cost grows with the slots it fills, not with the
  // number of endpoints or the length of the queue, so a backlog of thousands does not stall the
  // API on the same thread; the cursor makes successive claims go round all endpoints fairly.
  const endpointsWithWorkAfter = db.prepare(`SELECT w.id FROM webhooks w
    WHERE w.activo = 1 AND w.id > @after AND EXISTS (SELECT 1 FROM webhook_deliveries d
      WHERE d.webhook_id = w.id AND d.estado = 'PENDIENTE' AND d.proximo_intento <= @now)
    ORDER BY w.id LIMIT @page`);
  const busyOf = db
    .prepare(
      `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ? AND estado = 'EN_CURSO' AND lease_hasta > ?`,
    )
    .pluck();
  // An endpoint's oldest due rows, as many as one claim can want; callers take what they need.
  // The LIMIT is a literal: with a bound one, SQLite runs it two to five times slower.
  const dueOf = db.prepare(`SELECT id FROM webhook_deliveries
    WHERE webhook_id = ? AND estado = 'PENDIENTE' AND proximo_intento <= ? ORDER BY proximo_intento
    LIMIT ${Math.max(1, Math.floor(perEndpoint), PREFETCH)}`);
  // The oldest alone, for a slot that claims one at a time (after a failure): cheaper still.
  const nextDueOf = db.prepare(`SELECT id FROM webhook_deliveries
    WHERE webhook_id = ? AND estado = 'PENDIENTE' AND proximo_intento <= ? ORDER BY proximo_intento LIMIT 1`);
  // (An UPDATE … RETURNING that finds, takes and reads the row in one statement measured twice as
  // slow as the three: it copies the whole row, body included, more than once.)
  const loadDelivery = db.prepare(
    'SELECT id, webhook_id, evento_id, evento, cuerpo, intentos FROM webhook_deliveries WHERE id = ?',
  );
  // What a delivery needs of its endpoint, read again with every claim of its rows: a rotation, a
  // new URL or a disable made meanwhile applies to the rows claimed after it (rows already held
  // are handed back when the endpoint is edited in this process: see endpointChanged).
  const activeEndpoint = db.prepare(`SELECT url, nombre, secreto, secreto_anterior,
    secreto_anterior_hasta, fallos_consecutivos, fallando_desde FROM webhooks WHERE id = ? AND activo = 1`);
  const take =
    db.prepare(`UPDATE webhook_deliveries SET estado = 'EN_CURSO', lease_hasta = ?, lease_owner = ?
    WHERE id = ? AND estado = 'PENDIENTE'`);
  // A lease that ran out belongs to a process that died or stalled: its rows are due again.
  const expireLeases =
    db.prepare(`UPDATE webhook_deliveries SET estado = 'PENDIENTE', lease_hasta = NULL,
    lease_owner = NULL WHERE estado = 'EN_CURSO' AND lease_hasta <= ?`);
  const anythingDue = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE estado = 'PENDIENTE' AND proximo_intento <= @now)
        OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE estado = 'EN_CURSO' AND lease_hasta <= @now)`,
    )
    .pluck();
  const ownersInFlight = db.prepare(
    `SELECT DISTINCT lease_owner FROM webhook_deliveries WHERE estado = 'EN_CURSO'`,
  );
  const releaseRow = db.prepare(`UPDATE webhook_deliveries SET estado = 'PENDIENTE',
    lease_hasta = NULL, lease_owner = NULL WHERE id = ? AND estado = 'EN_CURSO' AND lease_owner = ?`);
  const releaseOwner =
    db.prepare(`UPDATE webhook_deliveries SET estado = 'PENDIENTE', lease_hasta = NULL,
    lease_owner = NULL WHERE estado = 'EN_CURSO' AND lease_owner = ?`);

  // The queue's leases and attempts are bookkeeping no cached API answer shows: not a data change.
  const queueTransaction = <F extends (...args: never[]) => unknown>(fn: F) =>
    writeTransaction(db, fn, { dataChange: false });

  let cursor = 0;
  /**
   * Claims into `ids` (up to `limit`) from the endpoints with due work, going round them from the
   * cursor, each up to `each` slots in flight. Returns whether it went all the way round.
   */
  function claimRound(iso: string, lease: string, ids: number[], limit: number, each: number) {
    const start = cursor;
    let after = start;
    let wrapped = false;
    let complete = false;
    scan: for (;;) {
      const page = endpointsWithWorkAfter.all({ after, now: iso, page: CLAIM_PAGE }) as Array<{
        id: number;
      }>;
      for (const { id } of page) {
        if (wrapped && id > start) {
          complete = true;
          break scan;
        }
        after = id;
        const free = each - (busyOf.get(id, iso) as number);
        if (free <= 0) continue;
        const due = dueOf.all(id, iso) as Array<{ id: number }>;
        for (const row of due.slice(0, Math.min(free, limit - ids.length))) {
          if (take.run(lease, owner, row.id).changes === 1) ids.push(row.id);
        }
        if (ids.length >= limit) break scan;
      }
      if (page.length < CLAIM_PAGE) {
        if (wrapped || start === 0) {
          complete = true;
          break;
        }
        wrapped = true;
        after = 0;
      }
    }
    cursor = after;
    return complete;
  }

  // One slot per endpoint with due work first, and more (up to the per-endpoint limit) only when
  // slots are left after going round them all: a thousand receivers with a backlog each get their
  // turn before any gets a second connection, and one busy receiver still gets all of its slots.
  const claim = queueTransaction((now: Date, limit: number): number[] => {
    const iso = now.toISOString();
    const lease = new Date(now.getTime() + leaseMs).toISOString();
    expireLeases.run(iso);
    const ids: number[] = [];
    if (claimRound(iso, lease, ids, limit, 1) && ids.length < limit && perEndpoint > 1)
      claimRound(iso, lease, ids, limit, perEndpoint);
    return ids;
  });

  /** Rows left in flight by a process of this machine that no longer exists are due at once. */
  function releaseDeadOwners(): number {
    const host = hostname();
    let released = 0;
    for (const { lease_owner } of ownersInFlight.all() as Array<{ lease_owner: string | null }>) {
      const [ownerHost, pid] = (lease_owner ?? '').split(':');
      if (
        !lease_owner ||
        ownerHost !== host ||
        lease_owner === owner ||
        !pid ||
        isProcessAlive(Number(pid))
      )
        continue;
      released += releaseOwner.run(lease_owner).changes;
    }
    return released;
  }
  const load =
    db.prepare(`SELECT d.id, d.webhook_id, d.evento_id, d.evento, d.cuerpo, d.intentos, w.url, w.nombre,
    w.secreto, w.secreto_anterior, w.secreto_anterior_hasta, w.fallos_consecutivos, w.fallando_desde
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`);
  const claimRows = queueTransaction((now: Date, limit: number): Claimed[] => {
    const leaseUntil = now.getTime() + leaseMs;
    return claim(now, limit).map((id) => {
      const row = load.get(id) as Claimed;
      return { ...row, leaseUntil, version: versionOf(row.webhook_id) };
    });
  });
  const insertAttempt =
    db.prepare(`INSERT INTO webhook_attempts (delivery_id, numero, fecha, status,
    cuerpo_respuesta, duracion_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const delivered =
    db.prepare(`UPDATE webhook_deliveries SET estado = 'ENTREGADO', intentos = intentos + 1,
    fecha_entrega = @now, ultimo_status = @status, ultimo_error = NULL, lease_hasta = NULL, lease_owner = NULL
    WHERE id = @id AND lease_owner = @owner`);
  const retry = db.prepare(`UPDATE webhook_deliveries SET estado = @estado, intentos = intentos + 1,
    proximo_intento = @next, ultimo_status = @status, ultimo_error = @error, lease_hasta = NULL, lease_owner = NULL
    WHERE id = @id AND lease_owner = @owner`);
  const healthy = db.prepare(
    // Only when there is something to reset: a healthy endpoint's row is not rewritten per delivery.
    `UPDATE webhooks SET fallos_consecutivos = 0, fallando_desde = NULL
      WHERE id = ? AND (fallos_consecutivos <> 0 OR fallando_desde IS NOT NULL)`,
  );
  const unhealthy = db.prepare(`UPDATE webhooks SET fallos_consecutivos = fallos_consecutivos + 1,
    fallando_desde = coalesce(fallando_desde, ?) WHERE id = ?`);
  const disable =
    db.prepare(`UPDATE webhooks SET activo = 0, motivo_desactivacion = ?, desactivado_por = 'sistema', fecha_actualizacion = ?
    WHERE id = ? AND activo = 1`);

  const inFlight = new Set<Promise<void>>();
  let attemptsMade = 0;
  const endpointVersions = new Map<number, number>();
  const versionOf = (webhookId: number) => endpointVersions.get(webhookId) ?? 0;
  /** Endpoints this process saw fail since their last recorded success. */
  const failing = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopped = true;
  let wakeRequested = false;
  /** Set by stop(): slots send nothing more (unlike `stopped`, which runOnce works under). */
  let closing = false;

  async function send(row: Claimed): Promise<Outcome> {
    const now = clock.now();
    const rotating =
      row.secreto_anterior !== null && (row.secreto_anterior_hasta ?? '') > now.toISOString();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'GSIH-Integraciones-Webhooks/1',
      ...signatureHeaders(
        { current: row.secreto, previous: rotating ? row.secreto_anterior : null },
        row.evento_id,
        Math.floor(now.getTime() / 1000),
        row.cuerpo,
      ),
    };
    const answer = await post(http, row.url, headers, row.cuerpo, {
      timeoutMs,
      previewBytes: RESPONSE_PREVIEW_BYTES,
    });
    if (answer.error !== null) {
      return {
        status: null,
        body: null,
        error: describe(answer.error, timeoutMs),
        retryAfterMs: null,
        durationMs: answer.durationMs,
      };
    }
    return {
      status: answer.status,
      body: answer.body,
      error: null,
      retryAfterMs:
        answer.status === 429 || answer.status === 503
          ? parseRetryAfter(answer.headers['retry-after'], clock.now())
          : null,
      durationMs: answer.durationMs,
    };
  }

  /**
   * Records an attempt. Returns `lost` when this process no longer holds the lease (it stalled
   * past it and another dispatcher took the delivery over): that dispatcher's attempt is the one
   * that counts, so nothing is written here.
   */
  function recordOne(row: Claimed, outcome: Outcome, want: number): Recorded {
    const now = clock.now();
    const iso = now.toISOString();
    const attempt = row.intentos + 1;
    const ok = isSuccess(outcome);
    // The history, the delivery and the log all say why a non-2xx answer failed.
    const error = ok ? null : (outcome.error ?? `El receptor respondió ${outcome.status}`);
    // A 410 says the receiver is gone: this delivery ends here (resendable), the endpoint stops.
    const delay =
      ok || outcome.status === 410 ? null : nextDelay(attempt, outcome.retryAfterMs, random);
    const updated = ok
      ? delivered.run({ now: iso, status: outcome.status, id: row.id, owner })
      : retry.run({
          estado: delay === null ? 'FALLIDO' : 'PENDIENTE',
          next: new Date(now.getTime() + (delay ?? 0)).toISOString(),
          status: outcome.status,
          error,
          id: row.id,
          owner,
        });
    if (updated.changes === 0) return { lost: true, disabled: null, next: [] };
    insertAttempt.run(
      row.id,
      attempt,
      iso,
      outcome.status,
      outcome.body,
      outcome.durationMs,
      error,
    );
    if (ok) {
      if (
        row.fallos_consecutivos !== 0 ||
        row.fallando_desde !== null ||
        failing.has(row.webhook_id)
      ) {
        healthy.run(row.webhook_id);
        failing.delete(row.webhook_id);
      }
      // The same endpoint's next due rows are claimed in this same transaction.
      return { lost: false, disabled: null, next: continuation(now, row.webhook_id, want) };
    }
    unhealthy.run(iso, row.webhook_id);
    // A row claimed before this failure still says the endpoint is healthy.
    failing.add(row.webhook_id);
    let motivo: string | null = null;
    if (outcome.status === 410) motivo = 'El receptor respondió 410 Gone: ya no acepta entregas.';
    const failingSince = row.fallando_desde ?? iso;
    if (!motivo && now.getTime() - Date.parse(failingSince) >= disableAfterMs) {
      motivo = `Falla sin interrupción desde ${failingSince}.`;
    }
    if (motivo && disable.run(motivo, iso, row.webhook_id).changes > 0)
      return { lost: false, disabled: motivo, next: [] };
    return { lost: false, disabled: null, next: continuation(now, row.webhook_id, want) };
  }

  /** The same endpoint's next due rows (up to `want`), claimed in the recording transaction. */
  function continuation(now: Date, webhookId: number, want: number): Claimed[] {
    // The slot this endpoint just freed is taken again, so the endpoint's number of slots cannot
    // grow: only whether it is still active and its oldest due rows are needed.
    if (closing || want === 0) return [];
    const endpoint = activeEndpoint.get(webhookId) as
      Omit<Claimed, keyof Delivery | 'leaseUntil' | 'version'> | undefined;
    if (!endpoint) return [];
    if (endpoint.fallos_consecutivos !== 0 || endpoint.fallando_desde !== null)
      failing.add(webhookId);
    const iso = now.toISOString();
    const due = (
      want === 1
        ? [nextDueOf.get(webhookId, iso)].filter(Boolean)
        : (dueOf.all(webhookId, iso) as Array<{ id: number }>).slice(0, want)
    ) as Array<{ id: number }>;
    const leaseUntil = now.getTime() + leaseMs;
    const lease = new Date(leaseUntil).toISOString();
    const version = versionOf(webhookId);
    const rows: Claimed[] = [];
    for (const { id } of due) {
      if (take.run(lease, owner, id).changes !== 1) continue;
      rows.push({ ...(loadDelivery.get(id) as Delivery), ...endpoint, leaseUntil, version });
    }
    return rows;
  }

  // Attempts that finished are recorded together: a commit costs more than a delivery's own work.
  // Rows a slot claimed ahead but will not send go back to the queue in the same transaction.
  const recordAll = queueTransaction((batch: Finished[], unsent: Claimed[]): Recorded[] => {
    for (const row of unsent) releaseRow.run(row.id, owner);
    return batch.map(({ row, outcome, want }) => recordOne(row, outcome, want));
  });
  let finished: Finished[] = [];
  let unsent: Array<{ rows: Claimed[]; resolve: () => void }> = [];
  let recordSoon = false;
  let recordTimer: NodeJS.Timeout | null = null;

  /** `soon`: someone waits on this write; otherwise it may wait a few ms for company. */
  function scheduleRecord(soon: boolean): void {
    if (soon || finished.length >= RECORD_BATCH) {
      if (!recordSoon) {
        recordSoon = true;
        setImmediate(recordFinished);
      }
    } else if (!recordTimer && !recordSoon) {
      recordTimer = setTimeout(recordFinished, RECORD_WITHIN_MS);
    }
  }

  function recordLater(row: Claimed, outcome: Outcome, want: number): Promise<Recorded | null> {
    return new Promise((resolve) => {
      finished.push({ row, outcome, want, resolve });
      scheduleRecord(want > 0);
    });
  }

  /** Hands rows claimed but not sent back to the queue (due again at once). */
  function release(rows: Claimed[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      unsent.push({ rows, resolve });
      scheduleRecord(true);
    });
  }

  function recordFinished(): void {
    recordSoon = false;
    if (recordTimer) clearTimeout(recordTimer);
    recordTimer = null;
    const batch = finished;
    const returned = unsent;
    finished = [];
    unsent = [];
    if (batch.length === 0 && returned.length === 0) return;
    let results: Array<Recorded | null>;
    try {
      results = recordAll(
        batch,
        returned.flatMap(({ rows }) => rows),
      );
    } catch (error) {
      // The leases will expire and the deliveries will be attempted again: at least once, never
      // lost.
      logger.error(`webhooks: could not record ${batch.length} attempts`, error);
      results = batch.map(() => null);
    }
    returned.forEach(({ resolve }) => resolve());
    batch.forEach(({ resolve }, i) => resolve(results[i]!));
  }

  /** The integration log, the open windows and the banner hear of a recorded attempt. */
  function announce(row: Claimed, outcome: Outcome, recorded: Recorded | null): void {
    if (!recorded) return;
    if (recorded.lost) {
      logger.warn(
        `webhook delivery ${row.id}: lease lost while sending; the new holder's attempt counts`,
      );
      return;
    }
    const ok = isSuccess(outcome);
    // One row per attempt, built as text in a fixed shape: the URL is the only part that may
    // carry a credential (the response preview was redacted when read).
    log.writeSerialized({
      sistema: `Webhook ${row.nombre}`,
      tipo: `webhook ${row.evento}`,
      estado: ok ? 'OK' : 'ERROR',
      datos_enviados: JSON.stringify({
        url: redactText(row.url),
        evento_id: row.evento_id,
        evento: row.evento,
        intento: row.intentos + 1,
      }),
      datos_recibidos: JSON.stringify({ status: outcome.status, cuerpo: outcome.body }),
      error: ok ? null : (outcome.error ?? `El receptor respondió ${outcome.status}`),
      duracion_ms: outcome.durationMs,
    });
    options.onChange?.(row.webhook_id);
    if (recorded.disabled)
      options.onDisabled?.({ id: row.webhook_id, nombre: row.nombre, motivo: recorded.disabled });
  }

  /**
   * One slot: sends its row, then keeps busy with the same endpoint's next due rows, claimed in
   * the transaction that records an attempt: a long queue to one receiver flows without a round
   * trip through the global claim per delivery. While the endpoint answers 2xx quickly the slot
   * holds up to PREFETCH rows and does not wait for each attempt's commit; after a failure it waits,
   * since the answer decides the retry and may disable the endpoint.
   */
  async function deliver(first: Claimed): Promise<void> {
    const held: Claimed[] = [first];
    const recording: Array<Promise<unknown>> = [];
    // The first row of a claim goes out at once; the others wait behind it.
    let waited = false;
    while (held.length > 0) {
      const row = held[0]!;
      // Stopping, a row whose lease would run out mid-attempt (a slow answer ahead of it), or an
      // endpoint edited since its rows were read (disabled, a new URL): the rows go back to the
      // queue unsent, for the next claim to read again.
      const leaseTooShort =
        waited && clock.now().getTime() + timeoutMs + LEASE_MARGIN_MS > row.leaseUntil;
      if (closing || leaseTooShort || row.version !== versionOf(row.webhook_id)) {
        await release(held.splice(0));
        break;
      }
      held.shift();
      waited = true;
      attemptsMade++;
      const outcome = await send(row);
      const fast = isSuccess(outcome) && outcome.durationMs < FAST_ANSWER_MS;
      if (fast && held.length > 0) {
        recording.push(recordLater(row, outcome, 0).then((r) => announce(row, outcome, r)));
        continue;
      }
      const recorded = await recordLater(row, outcome, held.length > 0 ? 0 : fast ? PREFETCH : 1);
      announce(row, outcome, recorded);
      if (!recorded || recorded.lost || recorded.disabled) {
        await release(held.splice(0));
        break;
      }
      held.push(...recorded.next);
      waited = false;
    }
    await Promise.all(recording);
  }

  /** Claims what is due (within the concurrency limits) and starts sending it. */
  function claimAndSend(): number {
    const free = maxInFlight - inFlight.size;
    if (free <= 0) return 0;
    // Polled on the thread that serves the API: while another connection holds the write lock
    // (an import committing), the claim waits for the next poll rather than freeze the loop.
    const now = clock.now();
    // Most polls find nothing due: a read says so without taking the write lock, which the log's
    // writer thread takes several times a second while the API is busy.
    if (!anythingDue.get({ now: now.toISOString() })) return 0;
    const rows = ifWriteLockFree(db, () => claimRows(now, free));
    if (rows === LOCKED) return 0;
    for (const row of rows) {
      const task = deliver(row).finally(() => {
        inFlight.delete(task);
        if (!stopped) wake();
      });
      inFlight.add(task);
    }
    return rows.length;
  }

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  }

  function tick() {
    timer = null;
    if (running) {
      wakeRequested = true;
      return;
    }
    running = true;
    try {
      claimAndSend();
    } catch (error) {
      logger.error('webhook dispatcher: claim failed', error);
    } finally {
      running = false;
    }
    if (wakeRequested) {
      wakeRequested = false;
      schedule(0);
    } else schedule(options.pollMs ?? 500);
  }

  function wake() {
    schedule(0);
  }

  return {
    owner,
    /** Sends everything due now and waits for it; returns how many attempts were made. */
    async runOnce(): Promise<number> {
      const before = attemptsMade;
      for (;;) {
        claimAndSend();
        if (inFlight.size === 0) return attemptsMade - before;
        // Then claim again: what just finished may have freed an endpoint's slots.
        await Promise.race(inFlight);
      }
    },
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    start() {
      stopped = false;
      closing = false;
      try {
        const released = releaseDeadOwners();
        if (released > 0)
          logger.info(
            `webhooks: ${released} deliveries left in flight by a stopped process are due again`,
          );
      } catch (error) {
        logger.error('webhooks: could not release the leases of stopped processes', error);
      }
      wake();
    },
    wake,
    /** An endpoint was edited in this process: rows of it claimed ahead are read again first. */
    endpointChanged(webhookId: number) {
      endpointVersions.set(webhookId, versionOf(webhookId) + 1);
    },
    async stop() {
      stopped = true;
      closing = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...inFlight]);
      // Idempotent: closing an undici Agent twice throws ClientDestroyedError.
      if (!options.dispatcher && !(http as Agent).closed) await (http as Agent).close();
    },
  };
}

function isSuccess(outcome: Outcome): boolean {
  return outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
}

function describe(error: unknown, timeoutMs: number): string {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string };
  };
  const code = err.code ?? err.cause?.code;
  if (
    err.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return `Sin respuesta en ${timeoutMs / 1000} s`;
  }
  if (code === 'ECONNREFUSED') return 'Conexión rechazada: el receptor no está escuchando';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'No se encuentra el servidor del receptor';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'El receptor cerró la conexión';
  return `Error de red: ${code ?? err.message ?? 'desconocido'}`;
}

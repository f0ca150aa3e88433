import type { Db } from '../db/open';
import type { Clock } from '../clock';
import type { ErpService } from '../erp/service';
import type { IntegrationLog } from '../logs/integration-log';
import {
  DASHBOARD_MAX_SYSTEMS,
  type Dashboard,
  type DashboardApiPoint,
  type DashboardRange,
  type DashboardSyncPoint,
  type DashboardWebhookPoint,
  type IntegrationReport,
  type ReportApiSystem,
} from '../../shared/monitoring';

// The monitoring figures of `GET /api/reportes/integraciones/` and of the Panel page. Everything
// is counted per UTC hour with GROUP BY on the hour indexes of migration 0008 (API calls, webhook
// attempts) and on the runs' (fecha_inicio, id) index, so a month of a busy log (200,000 rows) is
// counted in tens of milliseconds; the Panel's buckets (hours, local days) are folded from those
// hours here.

/** The integration log's rows of API calls. Must stay the WHERE of integration_log_api_hours. */
const API_ROWS = `(tipo GLOB '* /api/external/*' OR tipo GLOB '* /api/reportes/*')`;

const HOUR_MS = 3_600_000;

export interface MonitoringDeps {
  db: Db;
  clock: Clock;
  erp: Pick<ErpService, 'status' | 'runStats'>;
  log: Pick<IntegrationLog, 'flush'>;
}

export interface ReportRange {
  desde?: string | undefined;
  hasta?: string | undefined;
}

interface HourRange {
  /** ISO bounds ('' and '9999' stand for an open end: every ISO date sorts between them). */
  desde: string;
  hasta: string;
  h1: string;
  h2: string;
}

interface ApiHourRow {
  hora: string;
  sistema: string;
  estado: 'OK' | 'ERROR' | 'INFO';
  n: number;
}
interface AttemptHourRow {
  hora: string;
  status: number | null;
  n: number;
}
interface RunHourRow {
  hora: string;
  estado: 'COMPLETADA' | 'FALLIDA' | 'CANCELADA';
  n: number;
}

function hourRange(desde: string | null, hasta: string | null): HourRange {
  const from = desde ?? '';
  const to = hasta ?? '9999';
  return { desde: from, hasta: to, h1: from.slice(0, 13), h2: to.slice(0, 13) };
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

const isDelivered = (status: number | null) => status !== null && status >= 200 && status < 300;

/** The start of the UTC hour an `hora` row key (`YYYY-MM-DDTHH`) stands for, in ms. */
const hourMs = (hora: string) => Date.parse(`${hora}:00:00.000Z`);

export type Monitoring = ReturnType<typeof createMonitoring>;

export function createMonitoring({ db, clock, erp, log }: MonitoringDeps) {
  const stmt = {
    apiHours: db.prepare(`SELECT substr(fecha, 1, 13) AS hora, sistema, estado, count(*) AS n
      FROM integration_log
      WHERE substr(fecha, 1, 13) >= @h1 AND substr(fecha, 1, 13) <= @h2
        AND fecha >= @desde AND fecha <= @hasta AND ${API_ROWS}
      GROUP BY substr(fecha, 1, 13), sistema, estado`),
    attemptHours: db.prepare(`SELECT substr(fecha, 1, 13) AS hora, status, count(*) AS n
      FROM webhook_attempts
      WHERE substr(fecha, 1, 13) >= @h1 AND substr(fecha, 1, 13) <= @h2
        AND fecha >= @desde AND fecha <= @hasta
      GROUP BY substr(fecha, 1, 13), status`),
    // Deliveries that used up their retries, by when their last attempt was (few: each needs a
    // resend, so they do not pile up unnoticed).
    gaveUp: db.prepare(`SELECT fecha FROM (
        SELECT (SELECT max(a.fecha) FROM webhook_attempts a WHERE a.delivery_id = d.id) AS fecha
        FROM webhook_deliveries d WHERE d.estado = 'FALLIDO')
      WHERE fecha >= @desde AND fecha <= @hasta`),
    waiting: db
      // Two counts, each through its state's partial index (an IN would read the whole table).
      .prepare(
        `SELECT (SELECT count(*) FROM webhook_deliveries WHERE estado = 'PENDIENTE')
        + (SELECT count(*) FROM webhook_deliveries WHERE estado = 'EN_CURSO')`,
      )
      .pluck(),
    runHours: db.prepare(`SELECT substr(fecha_inicio, 1, 13) AS hora, estado, count(*) AS n
      FROM erp_sync_runs
      WHERE fecha_inicio >= @desde AND fecha_inicio <= @hasta AND estado != 'EN_CURSO'
      GROUP BY substr(fecha_inicio, 1, 13), estado`),
  };

  interface Counted {
    report: IntegrationReport;
    apiHours: ApiHourRow[];
    attemptHours: AttemptHourRow[];
    gaveUp: string[];
  }

  function count(desde: string | null, hasta: string | null): Counted {
    // What the API answered a moment ago may still be in the log's buffer.
    log.flush();
    const range = hourRange(desde, hasta);
    const params = { desde: range.desde, hasta: range.hasta, h1: range.h1, h2: range.h2 };

    const apiHours = stmt.apiHours.all(params) as ApiHourRow[];
    const systems = new Map<string, ReportApiSystem>();
    for (const row of apiHours) {
      let system = systems.get(row.sistema);
      if (!system) {
        system = { sistema: row.sistema, total: 0, exitosas: 0, errores: 0 };
        systems.set(row.sistema, system);
      }
      system.total += row.n;
      if (row.estado === 'ERROR') system.errores += row.n;
      else system.exitosas += row.n;
    }
    const por_sistema = [...systems.values()].sort(
      (a, b) => b.total - a.total || a.sistema.localeCompare(b.sistema),
    );

    const attemptHours = stmt.attemptHours.all(params) as AttemptHourRow[];
    let entregadas = 0;
    let intentos_fallidos = 0;
    for (const row of attemptHours) {
      if (isDelivered(row.status)) entregadas += row.n;
      else intentos_fallidos += row.n;
    }
    const gaveUp = stmt.gaveUp.pluck().all({ desde: range.desde, hasta: range.hasta }) as string[];

    const runs = erp.runStats({ desde: desde ?? undefined, hasta: hasta ?? undefined });
    const status = erp.status();
    const last = status.ultima;

    const report: IntegrationReport = {
      desde,
      hasta,
      total_sincronizaciones: runs.total,
      exitosas: runs.completadas,
      fallidas: runs.fallidas,
      canceladas: runs.canceladas,
      tasa_exito: percent(runs.completadas, runs.total),
      ultima_sincronizacion: last ? (last.fecha_fin ?? last.fecha_inicio) : null,
      proxima_sincronizacion: status.proxima,
      erp: {
        configurado: status.configurado,
        activo: status.activo,
        cada_segundos: status.cada_segundos,
        en_curso: status.en_curso !== null,
        ultima:
          last && last.id !== null && last.estado !== 'EN_CURSO'
            ? {
                id: last.id,
                tipo: last.tipo,
                estado: last.estado,
                fecha_inicio: last.fecha_inicio,
                fecha_fin: last.fecha_fin,
                error: last.error,
              }
            : null,
      },
      webhooks: {
        entregadas,
        fallidas: gaveUp.length,
        intentos_fallidos,
        pendientes: stmt.waiting.get() as number,
        tasa_exito: percent(entregadas, entregadas + gaveUp.length),
      },
      llamadas_api: {
        total: por_sistema.reduce((sum, s) => sum + s.total, 0),
        exitosas: por_sistema.reduce((sum, s) => sum + s.exitosas, 0),
        errores: por_sistema.reduce((sum, s) => sum + s.errores, 0),
        por_sistema,
      },
    };
    return { report, apiHours, attemptHours, gaveUp };
  }

  /** The buckets of a Panel range ending now: their starts (ms) and how to find an hour's. */
  function bucketsOf(rango: DashboardRange, now: Date) {
    if (rango === '24h') {
      const last = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
      const starts = Array.from({ length: 24 }, (_, i) => last - (23 - i) * HOUR_MS);
      return {
        intervalo: 'hora' as const,
        starts,
        indexOf: (ms: number) => {
          const i = Math.floor((ms - starts[0]!) / HOUR_MS);
          return i >= 0 && i < starts.length ? i : -1;
        },
      };
    }
    // Days as the people looking at the Panel live them: local midnights (the UI runs on this
    // machine, or on a browser on this machine for `gsih serve`). Built with the Date
    // constructor, so a day with a daylight-saving change is 23 or 25 hours long.
    const days = rango === '7d' ? 7 : 30;
    const starts = Array.from({ length: days }, (_, i) =>
      new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1) + i).getTime(),
    );
    const byStart = new Map(starts.map((start, i) => [start, i]));
    return {
      intervalo: 'dia' as const,
      starts,
      // An hour that straddles local midnight (zones with half-hour offsets) counts for the
      // day it starts in.
      indexOf: (ms: number) => {
        const at = new Date(ms);
        return byStart.get(new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime()) ?? -1;
      },
    };
  }

  return {
    /** The monitoring report over an optional range (ISO dates; either end may be open). */
    report(range: ReportRange = {}): IntegrationReport {
      const desde = range.desde ? new Date(range.desde).toISOString() : null;
      const hasta = range.hasta ? new Date(range.hasta).toISOString() : null;
      return count(desde, hasta).report;
    },

    /** The Panel: the report of the range that ends now, and its figures per hour or day. */
    dashboard(rango: DashboardRange): Dashboard {
      const now = clock.now();
      const buckets = bucketsOf(rango, now);
      const desde = new Date(buckets.starts[0]!).toISOString();
      const hasta = now.toISOString();
      const counted = count(desde, hasta);
      const { report } = counted;

      const iso = buckets.starts.map((ms) => new Date(ms).toISOString());
      const sincronizaciones: DashboardSyncPoint[] = iso.map((inicio) => ({
        inicio,
        completadas: 0,
        fallidas: 0,
        canceladas: 0,
      }));
      const runRows = stmt.runHours.all({ desde, hasta }) as RunHourRow[];
      for (const row of runRows) {
        const point = sincronizaciones[buckets.indexOf(hourMs(row.hora))];
        if (!point) continue;
        if (row.estado === 'COMPLETADA') point.completadas += row.n;
        else if (row.estado === 'FALLIDA') point.fallidas += row.n;
        else point.canceladas += row.n;
      }

      const webhooks: DashboardWebhookPoint[] = iso.map((inicio) => ({
        inicio,
        entregadas: 0,
        intentos_fallidos: 0,
        fallidas: 0,
      }));
      for (const row of counted.attemptHours) {
        const point = webhooks[buckets.indexOf(hourMs(row.hora))];
        if (!point) continue;
        if (isDelivered(row.status)) point.entregadas += row.n;
        else point.intentos_fallidos += row.n;
      }
      for (const fecha of counted.gaveUp) {
        const point = webhooks[buckets.indexOf(Date.parse(fecha))];
        if (point) point.fallidas += 1;
      }

      // The busiest systems get a line each; with more than the chart can tell apart, the
      // last line adds up the rest.
      const ranked = report.llamadas_api.por_sistema.map((s) => s.sistema);
      const otros = ranked.length > DASHBOARD_MAX_SYSTEMS;
      const shown = otros ? ranked.slice(0, DASHBOARD_MAX_SYSTEMS - 1) : ranked;
      const lineOf = new Map(shown.map((sistema, i) => [sistema, i]));
      const lines = shown.length + (otros ? 1 : 0);
      const llamadas_api: DashboardApiPoint[] = iso.map((inicio) => ({
        inicio,
        total: 0,
        errores: 0,
        por_sistema: new Array<number>(lines).fill(0),
      }));
      for (const row of counted.apiHours) {
        const point = llamadas_api[buckets.indexOf(hourMs(row.hora))];
        if (!point) continue;
        point.total += row.n;
        if (row.estado === 'ERROR') point.errores += row.n;
        point.por_sistema[lineOf.get(row.sistema) ?? lines - 1]! += row.n;
      }

      return {
        rango,
        intervalo: buckets.intervalo,
        resumen: report,
        sistemas: shown,
        otros,
        series: { sincronizaciones, webhooks, llamadas_api },
      };
    },
  };
}

import type { ErpRunKind, ErpRunState } from './erp';

// The monitoring figures: what `GET /api/reportes/integraciones/` answers and what the Panel page
// shows, with the Panel's time series. Field names are the wire's (Spanish, snake_case, ASCII),
// the seed's for the ERP figures.

/** The last ERP run that ended, as the report shows it. */
export interface ReportErpRun {
  id: number;
  tipo: ErpRunKind;
  estado: Exclude<ErpRunState, 'EN_CURSO'>;
  fecha_inicio: string;
  fecha_fin: string | null;
  error: string | null;
}

export interface ReportApiSystem {
  /** The `sistema` of the API key that made the calls (`desconocido`: without a valid key). */
  sistema: string;
  total: number;
  exitosas: number;
  errores: number;
}

export interface IntegrationReport {
  /** The range asked for (ISO, UTC); null: open at that end. */
  desde: string | null;
  hasta: string | null;

  // ---- ERP synchronisation, as the seed names it: runs that ended, started within the range.
  total_sincronizaciones: number;
  exitosas: number;
  fallidas: number;
  canceladas: number;
  /** exitosas / total_sincronizaciones in percent (0–100, one decimal); null without runs. */
  tasa_exito: number | null;
  /** When the last run that ended (whatever the range) ended; null: never ran. */
  ultima_sincronizacion: string | null;
  /** When the schedule runs next; null: the ERP is not configured or its schedule is off. */
  proxima_sincronizacion: string | null;
  erp: {
    configurado: boolean;
    /** Whether the schedule runs it (a sync on demand always can). */
    activo: boolean;
    /** Every how many seconds the schedule runs it; null when not configured. */
    cada_segundos: number | null;
    /** A run is going on now (in this process or another). */
    en_curso: boolean;
    ultima: ReportErpRun | null;
  };

  // ---- Webhooks
  webhooks: {
    /** Deliveries that reached their receiver (answer 2xx) within the range. */
    entregadas: number;
    /** Deliveries that used up their retries (FALLIDO), whose last attempt was within the range. */
    fallidas: number;
    /** Attempts that failed within the range (most are retried later). */
    intentos_fallidos: number;
    /** Deliveries waiting now: queued, waiting for a retry or being sent (whatever the range). */
    pendientes: number;
    /** entregadas / (entregadas + fallidas) in percent; null when there are neither. */
    tasa_exito: number | null;
  };

  // ---- Calls to the external API (the integration log's rows of /api/external/ and /api/reportes/)
  llamadas_api: {
    total: number;
    exitosas: number;
    /** Calls answered with an error (4xx or 5xx): refused keys, bad data, limits. */
    errores: number;
    /** Per external system (the API key's `sistema`), most calls first. */
    por_sistema: ReportApiSystem[];
  };
}

export const DASHBOARD_RANGES = ['24h', '7d', '30d'] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

/** At most this many systems get their own line in the API chart; the rest are added up. */
export const DASHBOARD_MAX_SYSTEMS = 6;

export interface DashboardSyncPoint {
  /** Start of the bucket (ISO): an hour for 24 h, a local day for 7 and 30 days. */
  inicio: string;
  completadas: number;
  fallidas: number;
  canceladas: number;
}

export interface DashboardWebhookPoint {
  inicio: string;
  entregadas: number;
  intentos_fallidos: number;
  fallidas: number;
}

export interface DashboardApiPoint {
  inicio: string;
  total: number;
  errores: number;
  /** Calls per system, in the order of `Dashboard.sistemas`, then the rest added up if `otros`. */
  por_sistema: number[];
}

export interface Dashboard {
  rango: DashboardRange;
  intervalo: 'hora' | 'dia';
  /** The figures of the range, as the monitoring endpoint gives them. */
  resumen: IntegrationReport;
  /** The systems with a line of their own in `DashboardApiPoint.por_sistema`, most calls first. */
  sistemas: string[];
  /** Whether `por_sistema` ends with one more entry: the other systems, added up. */
  otros: boolean;
  series: {
    sincronizaciones: DashboardSyncPoint[];
    webhooks: DashboardWebhookPoint[];
    llamadas_api: DashboardApiPoint[];
  };
}

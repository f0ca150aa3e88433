// Domain records as they cross every boundary (IPC, bridge, and later the external API).
// Field names are the seed system's wire names: snake_case Spanish, ASCII only.

export const MOVEMENT_TYPES = ['ENTRADA', 'SALIDA', 'AJUSTE'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const MOVEMENT_STATES = ['PENDIENTE', 'APROBADO', 'RECHAZADO'] as const;
export type MovementState = (typeof MOVEMENT_STATES)[number];

export const MOVEMENT_ORIGINS = ['ui', 'api', 'erp', 'importacion'] as const;
export type MovementOrigin = (typeof MOVEMENT_ORIGINS)[number];

export const EVENT_TYPES = [
  'movimiento_creado',
  'movimiento_aprobado',
  'stock_bajo',
  'alerta_generada',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ALERT_STATES = ['ABIERTA', 'RESUELTA'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** The warehouse used when a movement or import names none. */
export const DEFAULT_WAREHOUSE = 'PRINCIPAL';

export interface Article {
  id: number;
  codigo: string;
  nombre: string;
  material: string | null;
  diametro: number | null;
  unidad: string;
  stock_minimo: number;
  referencia_externa: string | null;
  fecha_creacion: string;
  fecha_actualizacion: string;
}

/** An article as the inventory list shows it: with its total stock and open alerts. */
export interface ArticleSummary extends Article {
  stock_total: number;
  alertas_abiertas: number;
}

export interface StockLevel {
  articulo: number;
  codigo: string;
  nombre: string;
  almacen: string;
  cantidad: number;
  stock_minimo: number;
  bajo_minimo: boolean;
  fecha_actualizacion: string;
}

export interface Movement {
  id: number;
  tipo: MovementType;
  articulo: number;
  codigo: string;
  nombre: string;
  /** ENTRADA and SALIDA: units moved (> 0). AJUSTE: the counted stock the almacén is set to (>= 0). */
  cantidad: number;
  almacen: string;
  referencia: string | null;
  fecha: string;
  estado: MovementState;
  origen: MovementOrigin;
  creado_por: string | null;
  aprobado_por: string | null;
  fecha_aprobacion: string | null;
  motivo_rechazo: string | null;
  /** Stock of the almacén before and after the movement was applied; null until approved. */
  stock_anterior: number | null;
  stock_resultante: number | null;
}

export interface StockAlert {
  id: number;
  articulo: number;
  codigo: string;
  nombre: string;
  almacen: string;
  cantidad_actual: number;
  umbral_minimo: number;
  estado: AlertState;
  fecha_creacion: string;
  fecha_resolucion: string | null;
}

export interface OutboxEvent {
  /** `evt_` + random id; unique and stable: deliveries reuse it as their id. */
  id: string;
  evento: EventType;
  fecha: string;
  datos: Record<string, unknown>;
}

export const LOG_STATES = ['OK', 'ERROR', 'INFO'] as const;
export type LogState = (typeof LOG_STATES)[number];

export interface LogEntry {
  id: number;
  sistema: string;
  tipo: string;
  estado: LogState;
  datos_enviados: unknown;
  datos_recibidos: unknown;
  error: string | null;
  duracion_ms: number | null;
  fecha: string;
}

/** A page of a server-side paged list (IPC and bridge). The external API uses DRF's envelope. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export const API_SCOPES = [
  'articulos:read',
  'articulos:write',
  'stock:read',
  'movimientos:read',
  'movimientos:write',
  'movimientos:aprobar',
  'reportes:read',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** What a key gets when no scopes are named: read-only access. */
export const DEFAULT_API_SCOPES: ApiScope[] = [
  'articulos:read',
  'stock:read',
  'movimientos:read',
  'reportes:read',
];

export const DEFAULT_KEY_HOURLY_LIMIT = 1000;

export const API_KEY_STATES = ['ACTIVA', 'REVOCADA', 'EXPIRADA'] as const;
export type ApiKeyState = (typeof API_KEY_STATES)[number];

/** An external system's API key as stored: never the key itself, only its display prefix. */
export interface ApiKey {
  id: number;
  nombre: string;
  sistema: string;
  /** The first characters of the key, to recognise it (`gsih_sk_AbC123…`). */
  prefijo: string;
  scopes: ApiScope[];
  limite_hora: number;
  activo: boolean;
  estado: ApiKeyState;
  fecha_creacion: string;
  fecha_expiracion: string | null;
  fecha_revocacion: string | null;
  ultimo_uso: string | null;
}

/** The one moment the full key exists outside the caller's hands: the answer to its creation. */
export interface CreatedApiKey {
  clave: string;
  key: ApiKey;
}

export interface ApiServerStatus {
  /** Whether the external API is listening in this process. */
  escuchando: boolean;
  host: string;
  port: number | null;
  /** URLs where systems on the LAN can reach it (one per usable network address). */
  direcciones: string[];
  /** Why it is not listening (port in use, bad address), in Spanish. */
  error: string | null;
}

export const DELIVERY_STATES = ['PENDIENTE', 'EN_CURSO', 'ENTREGADO', 'FALLIDO'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A registered webhook endpoint. Its secret is only returned by `webhooks/secret`. */
export interface Webhook {
  id: number;
  nombre: string;
  url: string;
  eventos: EventType[];
  activo: boolean;
  motivo_desactivacion: string | null;
  /** `sistema`: disabled by the dispatcher (410, failing for days) — the app warns about it. */
  desactivado_por: 'sistema' | 'personal' | null;
  fallos_consecutivos: number;
  fallando_desde: string | null;
  /** Until when the previous secret still signs, after a rotation. */
  rotacion_hasta: string | null;
  fecha_creacion: string;
  fecha_actualizacion: string;
  /** Delivery counts by state. */
  entregas: Record<DeliveryState, number>;
}

export interface WebhookDelivery {
  id: number;
  webhook: number;
  evento_id: string;
  evento: string;
  estado: DeliveryState;
  intentos: number;
  proximo_intento: string | null;
  ultimo_status: number | null;
  ultimo_error: string | null;
  fecha_creacion: string;
  fecha_entrega: string | null;
}

export interface WebhookAttempt {
  id: number;
  numero: number;
  fecha: string;
  status: number | null;
  cuerpo_respuesta: string | null;
  duracion_ms: number | null;
  error: string | null;
}

export interface AppInfo {
  version: string;
  data_dir: string;
  database_file: string;
  schema_version: number;
  headless: boolean;
  counts: {
    articulos: number;
    movimientos_pendientes: number;
    alertas_abiertas: number;
    eventos: number;
  };
}

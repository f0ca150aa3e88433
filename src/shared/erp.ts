import { z } from 'zod';
import type { Page } from './domain';

// The ERP synchronizer's records and inputs as they cross the IPC and bridge boundaries, shared
// by main and the renderer. Field names are the wire's (Spanish), as the tables store them. The
// input schemas are what `src/main/erp` validates with, so a handler that passes them to the
// service (`erp/configure` → `configure`) validates exactly as the CLI does.

export const ERP_PROFILES = ['rest', 'odata'] as const;
export type ErpProfile = (typeof ERP_PROFILES)[number];

/**
 * How the ERP pages its lists. `auto` looks at the first answer: a `Link: rel="next"` header, a
 * `next` (or `@odata.nextLink`) in the body, or else page numbers while pages come back full.
 */
export const ERP_PAGINATIONS = ['auto', 'pagina', 'siguiente', 'enlace', 'odata'] as const;
export type ErpPagination = (typeof ERP_PAGINATIONS)[number];

export const ERP_AUTH_KINDS = ['ninguna', 'bearer', 'basic', 'cabecera'] as const;
export type ErpAuthKind = (typeof ERP_AUTH_KINDS)[number];

/** What a sync runs: one entity, or all of them in order (articles, stock, movements). */
export const ERP_SYNC_KINDS = ['articulos', 'stock', 'movimientos'] as const;
export type ErpSyncKind = (typeof ERP_SYNC_KINDS)[number];

export const ERP_RUN_KINDS = [
  'completa',
  'articulos',
  'stock',
  'movimientos',
  'reintento',
] as const;
export type ErpRunKind = (typeof ERP_RUN_KINDS)[number];

/** Who started a run: the schedule, someone in the UI, `gsih erp sync`, or a retry. */
export const ERP_RUN_ORIGINS = ['programada', 'ui', 'cli'] as const;
export type ErpRunOrigin = (typeof ERP_RUN_ORIGINS)[number];

export const ERP_RUN_STATES = ['EN_CURSO', 'COMPLETADA', 'FALLIDA', 'CANCELADA'] as const;
export type ErpRunState = (typeof ERP_RUN_STATES)[number];

/** One row of the sync ledger per ERP record (pulled) or local movement (pushed). */
export const ERP_RECORD_KINDS = ['articulo', 'stock', 'movimiento'] as const;
export type ErpRecordKind = (typeof ERP_RECORD_KINDS)[number];

export const ERP_RECORD_STATES = ['PENDIENTE', 'SINCRONIZADO', 'ERROR'] as const;
export type ErpRecordState = (typeof ERP_RECORD_STATES)[number];

/** The app's fields an ERP article is read into; `referencia` and `modificado` drive the sync. */
export const ERP_ARTICLE_FIELDS = [
  'referencia',
  'codigo',
  'nombre',
  'material',
  'diametro',
  'unidad',
  'stock_minimo',
  'modificado',
] as const;
export type ErpArticleField = (typeof ERP_ARTICLE_FIELDS)[number];

/** `articulo` is the ERP's reference of the article (what `referencia` reads on articles). */
export const ERP_STOCK_FIELDS = ['articulo', 'almacen', 'cantidad', 'modificado'] as const;
export type ErpStockField = (typeof ERP_STOCK_FIELDS)[number];

/** ERP field name (dots reach into nested objects: `Stock.Quantity`); null: not read. */
export interface ErpMapping {
  articulos: Record<ErpArticleField, string | null>;
  stock: Record<ErpStockField, string | null>;
}

export interface ErpPaths {
  articulos: string;
  stock: string;
  movimientos: string;
}

export const DEFAULT_ERP_SCHEDULE_SECONDS = 3600;
export const DEFAULT_ERP_PAGE_SIZE = 500;
/** Records modified this long before the watermark are read again (late commits, clock skew). */
export const DEFAULT_ERP_OVERLAP_SECONDS = 300;
export const DEFAULT_ERP_TIMEOUT_MS = 30_000;

/** What each profile starts from; every part can be changed. */
export const ERP_PROFILE_DEFAULTS: Record<
  ErpProfile,
  { rutas: ErpPaths; mapeo: ErpMapping; paginacion: ErpPagination }
> = {
  // The seed's shape: snake_case Spanish, as GSIH's own API.
  rest: {
    rutas: { articulos: '/api/articulos', stock: '/api/stock', movimientos: '/api/movimientos' },
    paginacion: 'auto',
    mapeo: {
      articulos: {
        referencia: 'id',
        codigo: 'codigo',
        nombre: 'nombre',
        material: 'material',
        diametro: 'diametro',
        unidad: 'unidad',
        stock_minimo: 'stock_minimo',
        modificado: 'fecha_modificacion',
      },
      stock: {
        articulo: 'articulo',
        almacen: 'almacen',
        cantidad: 'cantidad',
        modificado: 'fecha_modificacion',
      },
    },
  },
  // OData v4 as SAP S/4HANA names a product (API_PRODUCT) and its stock.
  odata: {
    rutas: { articulos: '/Product', stock: '/ProductStock', movimientos: '/GoodsMovement' },
    paginacion: 'odata',
    mapeo: {
      articulos: {
        referencia: 'Product',
        codigo: 'Product',
        nombre: 'ProductDescription',
        material: 'ProductGroup',
        diametro: null,
        unidad: 'BaseUnit',
        stock_minimo: 'MinimumStockQuantity',
        modificado: 'LastChangeDateTime',
      },
      stock: {
        articulo: 'Product',
        almacen: 'StorageLocation',
        cantidad: 'Quantity',
        modificado: 'LastChangeDateTime',
      },
    },
  },
};

// ---- inputs --------------------------------------------------------------------------------

const erpUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Debe ser una URL http:// o https:// completa' });
      return;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      ctx.addIssue({ code: 'custom', message: 'Debe ser una URL http:// o https:// completa' });
    } else if (url.username || url.password) {
      // Credentials in the address would be shown and logged with it.
      ctx.addIssue({
        code: 'custom',
        message: 'Sin usuario ni clave en la dirección: use la autenticación Basic',
      });
    }
  });

const secret = z.string().min(1, 'Obligatorio').max(4000);
const headerName = z
  .string()
  .trim()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'Nombre de cabecera HTTP no válido')
  .refine(
    (name) =>
      !['host', 'content-length', 'content-type', 'idempotency-key'].includes(name.toLowerCase()),
    'Esa cabecera la pone GSIH',
  );

/**
 * Authentication. A secret left out keeps the one saved (it is never shown again), as long as
 * the kind and the ERP's address (scheme, host and port) stay the same.
 */
export const erpAuthInput = z.discriminatedUnion('tipo', [
  z.object({ tipo: z.literal('ninguna') }).strict(),
  z.object({ tipo: z.literal('bearer'), token: secret.optional() }).strict(),
  z
    .object({
      tipo: z.literal('basic'),
      usuario: z
        .string()
        .trim()
        .min(1, 'Obligatorio')
        .max(200)
        .refine((u) => !u.includes(':'), {
          message: 'El usuario de Basic no puede llevar «:»',
        }),
      clave: secret.optional(),
    })
    .strict(),
  z.object({ tipo: z.literal('cabecera'), nombre: headerName, valor: secret.optional() }).strict(),
]);
export type ErpAuthInput = z.input<typeof erpAuthInput>;

const path = z
  .string()
  .trim()
  .min(1, 'Obligatorio')
  .max(500)
  .refine((p) => p.startsWith('/'), 'Debe empezar por /');
const fieldName = z.string().trim().min(1).max(200).nullable();

export const erpConfigInput = z
  .object({
    url: erpUrl,
    perfil: z.enum(ERP_PROFILES),
    autenticacion: erpAuthInput,
    /** Absent parts take the profile's defaults. */
    rutas: z
      .object({ articulos: path, stock: path, movimientos: path })
      .partial()
      .strict()
      .optional(),
    paginacion: z.enum(ERP_PAGINATIONS).optional(),
    tamano_pagina: z.number().int().min(1).max(10_000).default(DEFAULT_ERP_PAGE_SIZE),
    /** ERP field per app field; absent fields take the profile's defaults, null: not read. */
    mapeo: z
      .object({
        articulos: z.partialRecord(z.enum(ERP_ARTICLE_FIELDS), fieldName).optional(),
        stock: z.partialRecord(z.enum(ERP_STOCK_FIELDS), fieldName).optional(),
      })
      .strict()
      .optional(),
    /** REST only: the query parameters of page numbers, page size and the incremental filter. */
    parametros: z
      .object({
        pagina: z.string().trim().min(1).max(50),
        limite: z.string().trim().min(1).max(50),
        desde: z.string().trim().min(1).max(50),
      })
      .partial()
      .strict()
      .optional(),
    cada_segundos: z
      .number()
      .int()
      .min(60, 'Al menos 60 segundos')
      .max(7 * 24 * 3600, 'Como mucho una semana')
      .default(DEFAULT_ERP_SCHEDULE_SECONDS),
    /** Whether the schedule runs it (a sync on demand always can). */
    activo: z.boolean().default(true),
    solapamiento_segundos: z.number().int().min(0).max(86_400).default(DEFAULT_ERP_OVERLAP_SECONDS),
    timeout_ms: z.number().int().min(100).max(600_000).default(DEFAULT_ERP_TIMEOUT_MS),
  })
  .strict();
export type ErpConfigInput = z.input<typeof erpConfigInput>;

export const erpPreviewInput = z
  .object({
    /** The configuration being edited (not saved yet); absent: the saved one. */
    configuracion: erpConfigInput.optional(),
    tipo: z.enum(['articulos', 'stock']).default('articulos'),
    limite: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type ErpPreviewInput = z.input<typeof erpPreviewInput>;

export const erpSyncInput = z
  .object({
    /** Absent: everything, in order (articles, stock, movements). */
    tipo: z.enum(ERP_SYNC_KINDS).optional(),
    /** Reads from the ERP and says what a pull would change; writes nothing, sends nothing. */
    simulacion: z.boolean().default(false),
  })
  .strict();
export type ErpSyncInput = z.input<typeof erpSyncInput>;

const paging = {
  page: z.number().int().min(1).max(1_000_000).default(1),
  page_size: z.number().int().min(1).max(500).default(50),
};

export const erpRunsInput = z
  .object({ estado: z.enum(ERP_RUN_STATES).optional(), ...paging })
  .strict();
export type ErpRunsInput = z.input<typeof erpRunsInput>;

export const erpLedgerInput = z
  .object({
    tipo: z.enum(ERP_RECORD_KINDS).optional(),
    estado: z.enum(ERP_RECORD_STATES).optional(),
    /** Part of the ERP's or GSIH's reference. */
    texto: z.string().trim().max(200).optional(),
    ejecucion: z.number().int().positive().optional(),
    ...paging,
  })
  .strict();
export type ErpLedgerInput = z.input<typeof erpLedgerInput>;

export const erpRetryInput = z
  .object({
    /** Ledger rows in ERROR to retry; absent: all of them. */
    ids: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
  })
  .strict();
export type ErpRetryInput = z.input<typeof erpRetryInput>;

// ---- records -------------------------------------------------------------------------------

/** The saved configuration as the UI and the CLI see it: never a secret. */
export interface ErpConfigView {
  url: string;
  perfil: ErpProfile;
  autenticacion: {
    tipo: ErpAuthKind;
    /** Basic's user (not secret). */
    usuario: string | null;
    /** The header's name for `cabecera` (its value is secret). */
    nombre: string | null;
    /** Whether a secret is saved (token, password or header value). */
    credencial_guardada: boolean;
    /**
     * `cifrada`: with the operating system's key store (the desktop app); `sin_cifrar`: as
     * given, readable by whoever can read the data directory (headless, or no key store).
     */
    proteccion: 'cifrada' | 'sin_cifrar' | null;
  };
  rutas: ErpPaths;
  paginacion: ErpPagination;
  tamano_pagina: number;
  mapeo: ErpMapping;
  parametros: { pagina: string; limite: string; desde: string };
  cada_segundos: number;
  activo: boolean;
  solapamiento_segundos: number;
  timeout_ms: number;
  fecha_actualizacion: string;
}

export interface ErpEntityCounts {
  leidos: number;
  creados: number;
  actualizados: number;
  sin_cambios: number;
  fallidos: number;
  /** Movements only: accepted by the ERP in this run. */
  enviados: number;
}

export interface ErpEntityResult extends ErpEntityCounts {
  estado: 'COMPLETADA' | 'FALLIDA' | 'CANCELADA' | 'OMITIDA';
  error: string | null;
  paginas: number;
  /** How the ERP paged (pulls). */
  paginacion: ErpPagination | null;
  /** The watermark the pull read from and the one it left (null: unchanged / none). */
  marca_desde: string | null;
  marca_hasta: string | null;
  duracion_ms: number;
}

/** A change a dry run found (the first ones of each entity). */
export interface ErpChange {
  tipo: ErpRecordKind;
  referencia_externa: string;
  accion: 'crear' | 'actualizar' | 'error';
  /** The fields that would change: old → new (new articles: every field, old null). */
  cambios: Record<string, { antes: unknown; despues: unknown }>;
  error: string | null;
}

export interface ErpRun extends ErpEntityCounts {
  /** null for a dry run, which is not stored. */
  id: number | null;
  tipo: ErpRunKind;
  origen: ErpRunOrigin;
  usuario: string;
  simulacion: boolean;
  estado: ErpRunState;
  /** Why it failed or was cancelled (the first reason; each entity's is in `detalle`). */
  error: string | null;
  detalle: Partial<Record<ErpSyncKind, ErpEntityResult>>;
  fecha_inicio: string;
  fecha_fin: string | null;
  duracion_ms: number | null;
  /** Dry runs only: the first changes a pull would make. */
  cambios?: ErpChange[];
}

/** Ended runs by outcome (the monitoring report's figures); dry runs are never stored. */
export interface ErpRunStats {
  total: number;
  completadas: number;
  fallidas: number;
  canceladas: number;
  /** completadas / total (0 to 1); null without runs. */
  tasa_exito: number | null;
  /** When the newest of them started. */
  ultima_fecha: string | null;
}

export interface ErpLedgerEntry {
  id: number;
  tipo: ErpRecordKind;
  /** The ERP's reference (pulled records); for a pushed movement, its event id (Idempotency-Key). */
  referencia_externa: string;
  /** GSIH's id: the article's, or the movement's. */
  referencia_interna: string | null;
  estado: ErpRecordState;
  /** The record as the ERP sent it (pulls), or what was sent and answered (pushes). */
  datos: unknown;
  error: string | null;
  intentos: number;
  /** The ERP's modification time of the version recorded (pulls). */
  modificado_erp: string | null;
  ejecucion: number | null;
  fecha: string;
}

export interface ErpRunning {
  /** null while the process that runs it has not said (another process's dry run never shows). */
  id: number | null;
  tipo: ErpRunKind;
  origen: ErpRunOrigin;
  desde: string;
  pid: number;
  /** Whether this process runs it. */
  propia: boolean;
  /** Records handled so far (this process's runs only). */
  progreso: { entidad: ErpSyncKind; paginas: number; registros: number } | null;
}

export interface ErpStatus {
  configurado: boolean;
  activo: boolean;
  cada_segundos: number | null;
  ultima: ErpRun | null;
  /** When the schedule runs next (ISO); null when not configured or not active. */
  proxima: string | null;
  en_curso: ErpRunning | null;
  /** Ledger rows by state. */
  registros: Record<ErpRecordState, number>;
  /** Each entity's watermark (the ERP's modification time it reads from next, before overlap). */
  marcas: Record<'articulos' | 'stock', string | null>;
}

export interface ErpPreviewRecord {
  /** The record as the ERP sent it. */
  original: unknown;
  /** The app's fields as they would be stored; null when the record has an error. */
  mapeado: Record<string, unknown> | null;
  error: string | null;
}

export interface ErpPreview {
  tipo: 'articulos' | 'stock';
  /** The request made (no credentials). */
  url: string;
  paginacion: ErpPagination;
  /** The field names found in the records (for choosing the mapping). */
  campos: string[];
  registros: ErpPreviewRecord[];
}

export type ErpRunsPage = Page<ErpRun>;
export type ErpLedgerPage = Page<ErpLedgerEntry>;

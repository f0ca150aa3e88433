import type { z } from 'zod';
import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import { validationError } from '../dispatch';
import { AppError } from '../../shared/errors';
import {
  ERP_PROFILE_DEFAULTS,
  erpConfigInput,
  type ErpAuthKind,
  type ErpConfigView,
  type ErpMapping,
  type ErpPagination,
  type ErpPaths,
  type ErpProfile,
} from '../../shared/erp';
import { protectionOf, type SecretBox } from './secret-box';

// The connector profile: kept in `erp_config` (one row), its secret sealed by the secret box.
// The view handed to the UI and the CLI never carries the secret; the connector (in memory,
// for the HTTP client) does.

export type ParsedErpConfig = z.output<typeof erpConfigInput>;

export const DEFAULT_QUERY_PARAMETERS = {
  pagina: 'page',
  limite: 'limit',
  desde: 'modificado_desde',
};

/** A configuration ready to talk to the ERP: everything resolved, the secret open. */
export interface ErpConnector extends Omit<ErpConfigView, 'autenticacion' | 'fecha_actualizacion'> {
  auth: {
    tipo: ErpAuthKind;
    usuario: string | null;
    nombre: string | null;
    secreto: string | null;
  };
}

interface ConfigRow {
  url: string;
  perfil: ErpProfile;
  autenticacion: ErpAuthKind;
  usuario: string | null;
  cabecera: string | null;
  credencial: string | null;
  rutas: string;
  paginacion: ErpPagination;
  tamano_pagina: number;
  mapeo: string;
  parametros: string;
  cada_segundos: number;
  activo: number;
  solapamiento_segundos: number;
  timeout_ms: number;
  fecha_actualizacion: string;
}

/** Fields without which a record cannot be stored: they must be read from some ERP field. */
const REQUIRED_ARTICLE_FIELDS = ['referencia', 'codigo', 'nombre'] as const;
const REQUIRED_STOCK_FIELDS = ['articulo', 'cantidad'] as const;

function originOf(url: string): string {
  return new URL(url).origin;
}

export type ErpConfigStore = ReturnType<typeof createErpConfigStore>;

export function createErpConfigStore({
  db,
  clock,
  secretBox,
}: {
  db: Db;
  clock: Clock;
  secretBox: SecretBox;
}) {
  const select = db.prepare('SELECT * FROM erp_config WHERE id = 1');
  const upsert = db.prepare(`INSERT INTO erp_config (id, url, perfil, autenticacion, usuario,
      cabecera, credencial, rutas, paginacion, tamano_pagina, mapeo, parametros, cada_segundos,
      activo, solapamiento_segundos, timeout_ms, fecha_creacion, fecha_actualizacion)
    VALUES (1, @url, @perfil, @autenticacion, @usuario, @cabecera, @credencial, @rutas,
      @paginacion, @tamano_pagina, @mapeo, @parametros, @cada_segundos, @activo,
      @solapamiento_segundos, @timeout_ms, @now, @now)
    ON CONFLICT (id) DO UPDATE SET url = excluded.url, perfil = excluded.perfil,
      autenticacion = excluded.autenticacion, usuario = excluded.usuario,
      cabecera = excluded.cabecera, credencial = excluded.credencial, rutas = excluded.rutas,
      paginacion = excluded.paginacion, tamano_pagina = excluded.tamano_pagina,
      mapeo = excluded.mapeo, parametros = excluded.parametros,
      cada_segundos = excluded.cada_segundos, activo = excluded.activo,
      solapamiento_segundos = excluded.solapamiento_segundos, timeout_ms = excluded.timeout_ms,
      fecha_actualizacion = excluded.fecha_actualizacion`);
  const resetPullWatermarks = db.prepare(
    `DELETE FROM erp_watermarks WHERE entidad IN ('articulos', 'stock')`,
  );
  // Movements approved before the ERP was first configured are already in its stock (pulled
  // from it): pushing starts from the outbox as it is now.
  const startPushCursor = db.prepare(`INSERT OR IGNORE INTO erp_watermarks
      (entidad, secuencia, fecha_actualizacion)
    VALUES ('movimientos', (SELECT coalesce(max(seq), 0) FROM events), ?)`);

  const read = () => select.get() as ConfigRow | undefined;

  /** Parses input (validation errors in Spanish, per field) and fills in the profile's defaults. */
  function parse(input: unknown): ParsedErpConfig {
    const parsed = erpConfigInput.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error);
    return parsed.data;
  }

  /**
   * The connector a configuration describes. A secret it leaves out is the saved one, if the
   * saved one is for the same kind of authentication and the same ERP address: a saved
   * credential is never sent to another server than the one it was given for.
   */
  function resolve(config: ParsedErpConfig): { connector: ErpConnector; sealed: string | null } {
    const defaults = ERP_PROFILE_DEFAULTS[config.perfil];
    const mapeo: ErpMapping = {
      articulos: { ...defaults.mapeo.articulos, ...config.mapeo?.articulos },
      stock: { ...defaults.mapeo.stock, ...config.mapeo?.stock },
    };
    const missing: Record<string, string> = {};
    for (const field of REQUIRED_ARTICLE_FIELDS) {
      if (!mapeo.articulos[field]) missing[`mapeo.articulos.${field}`] = 'Obligatorio';
    }
    for (const field of REQUIRED_STOCK_FIELDS) {
      if (!mapeo.stock[field]) missing[`mapeo.stock.${field}`] = 'Obligatorio';
    }

    const auth = config.autenticacion;
    const given =
      auth.tipo === 'bearer'
        ? auth.token
        : auth.tipo === 'basic'
          ? auth.clave
          : auth.tipo === 'cabecera'
            ? auth.valor
            : undefined;
    const saved = read();
    let sealed: string | null = null;
    let secreto: string | null = null;
    if (auth.tipo !== 'ninguna') {
      if (given !== undefined) {
        secreto = given;
        sealed = secretBox.seal(given);
      } else if (
        saved?.credencial &&
        saved.autenticacion === auth.tipo &&
        originOf(saved.url) === originOf(config.url)
      ) {
        sealed = saved.credencial;
        secreto = secretBox.open(saved.credencial);
      } else {
        const field = auth.tipo === 'bearer' ? 'token' : auth.tipo === 'basic' ? 'clave' : 'valor';
        missing[`autenticacion.${field}`] =
          saved?.credencial && saved.autenticacion === auth.tipo
            ? 'Obligatorio: la dirección del ERP cambió, vuelva a darla'
            : 'Obligatorio';
      }
    }
    if (Object.keys(missing).length > 0) {
      throw new AppError(
        'VALIDATION',
        `Datos no válidos: ${Object.keys(missing).join(', ')}`,
        missing,
      );
    }
    const paginacion =
      config.perfil === 'odata' ? 'odata' : (config.paginacion ?? defaults.paginacion);
    return {
      sealed,
      connector: {
        url: config.url.replace(/\/+$/, ''),
        perfil: config.perfil,
        auth: {
          tipo: auth.tipo,
          usuario: auth.tipo === 'basic' ? auth.usuario : null,
          nombre: auth.tipo === 'cabecera' ? auth.nombre : null,
          secreto,
        },
        rutas: { ...defaults.rutas, ...config.rutas },
        paginacion: paginacion === 'odata' && config.perfil === 'rest' ? 'auto' : paginacion,
        tamano_pagina: config.tamano_pagina,
        mapeo,
        parametros: { ...DEFAULT_QUERY_PARAMETERS, ...config.parametros },
        cada_segundos: config.cada_segundos,
        activo: config.activo,
        solapamiento_segundos: config.solapamiento_segundos,
        timeout_ms: config.timeout_ms,
      },
    };
  }

  function toView(row: ConfigRow): ErpConfigView {
    return {
      url: row.url,
      perfil: row.perfil,
      autenticacion: {
        tipo: row.autenticacion,
        usuario: row.usuario,
        nombre: row.cabecera,
        credencial_guardada: row.credencial !== null,
        proteccion: row.credencial === null ? null : protectionOf(row.credencial),
      },
      rutas: JSON.parse(row.rutas) as ErpPaths,
      paginacion: row.paginacion,
      tamano_pagina: row.tamano_pagina,
      mapeo: JSON.parse(row.mapeo) as ErpMapping,
      parametros: JSON.parse(row.parametros) as ErpConnector['parametros'],
      cada_segundos: row.cada_segundos,
      activo: row.activo === 1,
      solapamiento_segundos: row.solapamiento_segundos,
      timeout_ms: row.timeout_ms,
      fecha_actualizacion: row.fecha_actualizacion,
    };
  }

  /** What decides which records a pull reads: changing it starts the watermarks over. */
  const identity = (c: Pick<ErpConnector, 'url' | 'perfil' | 'rutas' | 'mapeo' | 'parametros'>) =>
    JSON.stringify([c.url, c.perfil, c.rutas, c.mapeo, c.parametros]);

  const save = writeTransaction(
    db,
    (connector: ErpConnector, sealed: string | null): { restarted: boolean } => {
      const before = read();
      const now = clock.now().toISOString();
      const restarted =
        before !== undefined && identity(toConnectorShape(before)) !== identity(connector);
      upsert.run({
        url: connector.url,
        perfil: connector.perfil,
        autenticacion: connector.auth.tipo,
        usuario: connector.auth.usuario,
        cabecera: connector.auth.nombre,
        credencial: sealed,
        rutas: JSON.stringify(connector.rutas),
        paginacion: connector.paginacion,
        tamano_pagina: connector.tamano_pagina,
        mapeo: JSON.stringify(connector.mapeo),
        parametros: JSON.stringify(connector.parametros),
        cada_segundos: connector.cada_segundos,
        activo: connector.activo ? 1 : 0,
        solapamiento_segundos: connector.solapamiento_segundos,
        timeout_ms: connector.timeout_ms,
        now,
      });
      if (restarted) resetPullWatermarks.run();
      startPushCursor.run(now);
      return { restarted };
    },
  );

  function toConnectorShape(row: ConfigRow) {
    return {
      url: row.url,
      perfil: row.perfil,
      rutas: JSON.parse(row.rutas) as ErpPaths,
      mapeo: JSON.parse(row.mapeo) as ErpMapping,
      parametros: JSON.parse(row.parametros) as ErpConnector['parametros'],
    };
  }

  return {
    parse,
    resolve,

    /** Validates and saves; returns the view (no secret) and whether the watermarks restarted. */
    configure(input: unknown): { view: ErpConfigView; restarted: boolean } {
      const { connector, sealed } = resolve(parse(input));
      const { restarted } = save(connector, sealed);
      return { view: toView(read()!), restarted };
    },

    view(): ErpConfigView | null {
      const row = read();
      return row ? toView(row) : null;
    },

    /** The saved connector with its secret opened, or null when the ERP is not configured. */
    connector(): ErpConnector | null {
      const row = read();
      if (!row) return null;
      return {
        ...toConnectorShape(row),
        auth: {
          tipo: row.autenticacion,
          usuario: row.usuario,
          nombre: row.cabecera,
          secreto: row.credencial === null ? null : secretBox.open(row.credencial),
        },
        paginacion: row.paginacion,
        tamano_pagina: row.tamano_pagina,
        cada_segundos: row.cada_segundos,
        activo: row.activo === 1,
        solapamiento_segundos: row.solapamiento_segundos,
        timeout_ms: row.timeout_ms,
      };
    },

    /** The schedule, without opening the secret (the scheduler asks often). */
    schedule(): { cada_segundos: number; activo: boolean } | null {
      const row = read();
      return row ? { cada_segundos: row.cada_segundos, activo: row.activo === 1 } : null;
    },
  };
}

import { join } from 'node:path';
import type { Db } from '../db/open';
import { AppError } from '../../shared/errors';
import type { Page } from '../../shared/domain';
import type {
  ImportDetection,
  ImportIssue,
  ImportOptions,
  IssueSeverity,
  ImportOrigin,
  ImportState,
  ImportSummary,
} from '../../shared/imports';
import type { CsvDetection, ImportKind } from './types';

// The import history: one row per ended import (imports) and the problems found in its rows
// (import_errors). Field names are the wire's (Spanish): the UI and `gsih import --json` show
// them as they are.

export type EndedImportState = Exclude<ImportState, 'EN_CURSO'>;

export function detectionRecord(detection: CsvDetection): ImportDetection {
  return {
    codificacion: detection.encoding,
    codificacion_origen: detection.encodingSource,
    bom: detection.bom,
    delimitador: detection.delimiter,
    delimitador_origen: detection.delimiterSource,
    formato_numeros: detection.numberFormats,
    formato_numeros_origen: detection.numberFormatSource,
  };
}

export interface ImportCounts {
  /** Data records in the file (the header and blank lines are not counted). */
  total: number;
  creados: number;
  actualizados: number;
  sin_cambios: number;
  /** Records not imported because of an error (all of them when the import is RECHAZADA). */
  rechazados: number;
  /** Problems found, by severity (a record may have several). */
  errores: number;
  advertencias: number;
}

export const EMPTY_COUNTS: ImportCounts = {
  total: 0,
  creados: 0,
  actualizados: 0,
  sin_cambios: 0,
  rechazados: 0,
  errores: 0,
  advertencias: 0,
};

/** import_errors keeps this many problems per import; the rejected-rows report has every row. */
export const MAX_STORED_ISSUES = 10_000;

/** The history row of an ended import, as the applier writes it. */
export interface EndedImport extends ImportCounts {
  id: number;
  archivo: string;
  tipo: ImportKind;
  origen: ImportOrigin;
  usuario: string;
  estado: EndedImportState;
  simulacion: boolean;
  opciones: ImportOptions;
  deteccion: ImportDetection | null;
  bytes: number | null;
  duracion_ms: number;
  error: string | null;
  /** Relative to the data directory. */
  archivo_rechazadas: string | null;
  fecha_inicio: string;
  fecha_fin: string;
}

interface ImportRow extends ImportCounts {
  id: number;
  archivo: string;
  tipo: ImportKind;
  origen: ImportOrigin;
  usuario: string;
  estado: EndedImportState;
  simulacion: number;
  opciones: string;
  deteccion: string | null;
  bytes: number | null;
  duracion_ms: number | null;
  error: string | null;
  archivo_rechazadas: string | null;
  fecha_inicio: string;
  fecha_fin: string | null;
}

export type ImportHistory = ReturnType<typeof createImportHistory>;

export function createImportHistory(db: Db, dataDir: string) {
  const stmt = {
    byId: db.prepare('SELECT * FROM imports WHERE id = ?'),
    insert: db.prepare(`INSERT INTO imports (id, archivo, tipo, origen, usuario, estado, simulacion,
      opciones, deteccion, bytes, total, creados, actualizados, sin_cambios, rechazados, errores,
      advertencias, duracion_ms, error, archivo_rechazadas, fecha_inicio, fecha_fin)
      VALUES (@id, @archivo, @tipo, @origen, @usuario, @estado, @simulacion, @opciones, @deteccion,
      @bytes, @total, @creados, @actualizados, @sin_cambios, @rechazados, @errores, @advertencias,
      @duracion_ms, @error, @archivo_rechazadas, @fecha_inicio, @fecha_fin)`),
    nextId: db.prepare('SELECT coalesce(max(id), 0) + 1 FROM imports').pluck(),
  };

  const toSummary = (row: ImportRow): ImportSummary => ({
    id: row.id,
    archivo: row.archivo,
    tipo: row.tipo,
    origen: row.origen,
    usuario: row.usuario,
    estado: row.estado,
    simulacion: row.simulacion === 1,
    opciones: JSON.parse(row.opciones) as ImportOptions,
    deteccion: row.deteccion === null ? null : (JSON.parse(row.deteccion) as ImportDetection),
    bytes: row.bytes,
    total: row.total,
    creados: row.creados,
    actualizados: row.actualizados,
    sin_cambios: row.sin_cambios,
    rechazados: row.rechazados,
    errores: row.errores,
    advertencias: row.advertencias,
    duracion_ms: row.duracion_ms,
    error: row.error,
    rechazadas_csv: row.archivo_rechazadas === null ? null : join(dataDir, row.archivo_rechazadas),
    fecha_inicio: row.fecha_inicio,
    fecha_fin: row.fecha_fin,
  });

  return {
    /**
     * The id the next import will be stored under. Only meaningful under the import lock, which
     * makes imports of a data directory one at a time.
     */
    nextId(): number {
      return stmt.nextId.get() as number;
    },

    /** Writes an ended import; inside the applier's transaction when it imported data. */
    insert(ended: EndedImport): void {
      stmt.insert.run({
        ...ended,
        simulacion: ended.simulacion ? 1 : 0,
        opciones: JSON.stringify(ended.opciones),
        deteccion: ended.deteccion === null ? null : JSON.stringify(ended.deteccion),
      });
    },

    exists(id: number): boolean {
      return stmt.byId.get(id) !== undefined;
    },

    get(id: number): ImportSummary {
      const row = stmt.byId.get(id) as ImportRow | undefined;
      if (!row) throw new AppError('NOT_FOUND', `No existe la importación ${id}`);
      return toSummary(row);
    },

    list(filter: {
      tipo?: ImportKind | undefined;
      page: number;
      page_size: number;
    }): Page<ImportSummary> {
      const where = filter.tipo ? 'WHERE tipo = @tipo' : '';
      const params = filter.tipo ? { tipo: filter.tipo } : {};
      const total = db
        .prepare(`SELECT count(*) FROM imports ${where}`)
        .pluck()
        .get(params) as number;
      const rows = db
        .prepare(`SELECT * FROM imports ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({
          ...params,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as ImportRow[];
      return { items: rows.map(toSummary), total, page: filter.page, page_size: filter.page_size };
    },

    /** The problems of one import's rows, in file order. */
    issues(
      id: number,
      filter: { severidad?: IssueSeverity | undefined; page: number; page_size: number },
    ): Page<ImportIssue> {
      if (!stmt.byId.get(id)) throw new AppError('NOT_FOUND', `No existe la importación ${id}`);
      const where = `WHERE import_id = @id${filter.severidad ? ' AND severidad = @severidad' : ''}`;
      const params = { id, ...(filter.severidad ? { severidad: filter.severidad } : {}) };
      const total = db
        .prepare(`SELECT count(*) FROM import_errors ${where}`)
        .pluck()
        .get(params) as number;
      const items = db
        .prepare(
          `SELECT linea, columna, mensaje, severidad FROM import_errors ${where}
           ORDER BY linea, id LIMIT @limit OFFSET @offset`,
        )
        .all({
          ...params,
          limit: filter.page_size,
          offset: (filter.page - 1) * filter.page_size,
        }) as ImportIssue[];
      return { items, total, page: filter.page, page_size: filter.page_size };
    },
  };
}

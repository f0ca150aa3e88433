// CSV import records as they cross the IPC and bridge boundaries (handlers `imports/*`), shared
// by main and the renderer. Field names are the wire's (Spanish), as the history stores them.
// The main side's own types (src/main/imports) must stay assignable to these: the handler map
// is typed against them, so a drift is a compile error in core.ts.

export const IMPORT_KINDS = ['articulos', 'stock'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const CSV_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export const CSV_DELIMITERS = [';', ',', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** `coma`: 1.234,56 (decimal comma); `punto`: 1,234.56 (decimal point). */
export const NUMBER_FORMATS = ['coma', 'punto'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/** The fields of each import type, in the order the UI lists them. */
export const IMPORT_FIELDS = {
  articulos: [
    'codigo',
    'nombre',
    'material',
    'diametro',
    'unidad',
    'stock_minimo',
    'referencia_externa',
  ],
  stock: ['codigo', 'almacen', 'cantidad'],
} as const;
export type ImportField =
  (typeof IMPORT_FIELDS.articulos)[number] | (typeof IMPORT_FIELDS.stock)[number];
export const ALL_IMPORT_FIELDS = [...IMPORT_FIELDS.articulos, 'almacen', 'cantidad'] as const;

/** Field → header as written in the file; null: the field is not imported. */
export type ColumnChoice = Partial<Record<ImportField, string | null>>;

/** The largest file the browser UI may send to `gsih serve` (the desktop app reads in place). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** A file handed to the core (uploaded, or picked with the desktop's dialog), by token. */
export interface ChosenFile {
  /** Opaque; what `imports/preview` and `imports/start` take instead of a path. */
  archivo: string;
  nombre: string;
  bytes: number;
}

export type ImportState = 'EN_CURSO' | 'COMPLETADA' | 'RECHAZADA' | 'CANCELADA' | 'FALLIDA';
export type ImportOrigin = 'ui' | 'cli';
export type IssueSeverity = 'error' | 'advertencia';

export interface ImportDetection {
  codificacion: CsvEncoding;
  codificacion_origen: 'detectado' | 'indicado';
  bom: boolean;
  delimitador: CsvDelimiter;
  delimitador_origen: 'detectado' | 'indicado';
  /** Per numeric field mapped to a column. */
  formato_numeros: Partial<Record<ImportField, NumberFormat>>;
  formato_numeros_origen: 'detectado' | 'indicado';
}

export interface ImportOptions {
  omitir_errores: boolean;
  sumar: boolean;
  codificacion: CsvEncoding | null;
  delimitador: CsvDelimiter | null;
  formato_numeros: NumberFormat | null;
  columnas: ColumnChoice | null;
}

/** One import of the history. */
export interface ImportSummary {
  id: number;
  archivo: string;
  tipo: ImportKind;
  origen: ImportOrigin;
  usuario: string;
  estado: ImportState;
  simulacion: boolean;
  opciones: ImportOptions;
  deteccion: ImportDetection | null;
  bytes: number | null;
  total: number;
  creados: number;
  actualizados: number;
  sin_cambios: number;
  rechazados: number;
  errores: number;
  advertencias: number;
  duracion_ms: number | null;
  /** Why the whole import was refused or failed; row problems are in `imports/issues`. */
  error: string | null;
  /** Where its rejected-rows report is kept, if it has one. */
  rechazadas_csv: string | null;
  fecha_inicio: string;
  fecha_fin: string | null;
}

export interface ImportIssue {
  linea: number;
  /** The column's header as written in the file; null for a whole-row problem. */
  columna: string | null;
  mensaje: string;
  severidad: IssueSeverity;
}

export interface PreviewRow {
  linea: number;
  /** The record's fields as decoded from the file. */
  campos: string[];
  /** The values as they would be imported; null when the row has an error. */
  valores: Partial<Record<ImportField, string | number | null>> | null;
  problemas: ImportIssue[];
}

export interface ImportPreview {
  nombre: string;
  bytes: number;
  tipo: ImportKind;
  deteccion: ImportDetection;
  cabeceras: string[];
  /** Every field of the type, in order, with the column it is read from (index into cabeceras). */
  campos: Array<{ campo: ImportField; obligatorio: boolean; columna: number | null }>;
  /** Required fields with no column: the import cannot start until they have one. */
  faltan: ImportField[];
  /** Headers that no field reads (ignored on import). */
  sin_asignar: string[];
  /** Whether the columns are the ones chosen by hand last time for this same set of headers. */
  columnas_recordadas: boolean;
  /** The first rows as they will be read, validated. */
  filas: PreviewRow[];
}

/**
 * 'finalizacion': inside the write transaction after the rows are in: the indexes built again
 * after a large load, statistics and the commit (seconds for a million rows; no bar of its own).
 */
export type ImportPhase =
  'inicio' | 'lectura' | 'comprobacion' | 'aplicacion' | 'finalizacion' | 'informe';

export interface ImportProgress {
  id: number;
  fase: ImportPhase;
  /** Records read (lectura) or applied (aplicacion). */
  filas: number;
  total_filas: number | null;
  bytes: number;
  bytes_totales: number;
  /** In the current phase. */
  filas_por_segundo: number;
  transcurrido_ms: number;
}

/** The import running now in this data directory, possibly in another process. */
export interface RunningImport {
  id: number | null;
  archivo: string;
  tipo: ImportKind;
  origen: ImportOrigin;
  usuario: string;
  fecha_inicio: string;
  pid: number;
  /** Whether this process runs it (and so reports its progress and can cancel it). */
  propia: boolean;
  progreso: ImportProgress | null;
}

/** The name a rejected-rows report is offered under: `<file's name>-rechazadas.csv`. */
export function rejectedReportName(archivo: string): string {
  const stem = archivo.replace(/\.(csv|txt|tsv)$/i, '');
  return `${stem || 'importacion'}-rechazadas.csv`;
}

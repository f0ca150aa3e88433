// The seam between reading a CSV file (imports/read/: encoding, delimiter, numbers, column
// matching, per-row validation) and applying it (imports/apply, the worker, the service): the
// reader turns bytes into typed, validated rows; the applier decides what they change.

import type {
  CsvDelimiter,
  CsvEncoding,
  IMPORT_FIELDS,
  ImportField,
  ImportKind,
  NumberFormat,
} from '../../shared/imports';

// The kinds, formats and fields are the wire's, shared with the UI.
export type { CsvDelimiter, CsvEncoding, ImportField, ImportKind, NumberFormat };
export type ArticleField = (typeof IMPORT_FIELDS.articulos)[number];
export type StockField = (typeof IMPORT_FIELDS.stock)[number];

export interface ArticleRow {
  codigo: string;
  nombre: string;
  material: string | null;
  diametro: number | null;
  unidad: string | null;
  stock_minimo: number | null;
  referencia_externa: string | null;
}

export interface StockRow {
  codigo: string;
  almacen: string;
  cantidad: number;
}

export type RowOf<K extends ImportKind> = K extends 'articulos' ? ArticleRow : StockRow;

export interface RowIssue {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  /** The column's header as written in the file, or null for a whole-row problem. */
  column: string | null;
  /** Spanish, for the warehouse staff: what is wrong and how to fix it. */
  message: string;
  severity: 'error' | 'warning';
}

export interface ReadRecord<T> {
  line: number;
  /** The record's fields as decoded from the file: what the rejected-rows report writes back. */
  fields: string[];
  /** The typed row, or null when the record has an error. */
  row: T | null;
  issues: RowIssue[];
}

/** What the reader found, and whether each choice was detected or given by the user. */
export interface CsvDetection {
  encoding: CsvEncoding;
  encodingSource: 'detectado' | 'indicado';
  bom: boolean;
  delimiter: CsvDelimiter;
  delimiterSource: 'detectado' | 'indicado';
  /** Per numeric field mapped to a column. */
  numberFormats: Partial<Record<ImportField, NumberFormat>>;
  numberFormatSource: 'detectado' | 'indicado';
}

export interface ReadOptions {
  kind: ImportKind;
  encoding?: CsvEncoding;
  delimiter?: CsvDelimiter;
  /** One format for every numeric column, overriding detection. */
  numberFormat?: NumberFormat;
  /** Field → header name as written in the file (null: do not import this field). */
  mapping?: Partial<Record<ImportField, string | null>>;
}

export interface CsvPreview {
  detection: CsvDetection;
  headers: string[];
  /** Field → index into `headers`, or null when no column matches. */
  mapping: Partial<Record<ImportField, number | null>>;
  /** Required fields that no column matches: the import cannot start until they are mapped. */
  missingRequired: ImportField[];
  /** Headers that map to no field (ignored on import). */
  unmappedHeaders: string[];
  /** The first records as they will be read, validated. */
  records: ReadRecord<ArticleRow | StockRow>[];
}

export interface ReadProgress {
  bytes: number;
  totalBytes: number;
  records: number;
}

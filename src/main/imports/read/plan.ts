import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import type {
  CsvDelimiter,
  CsvDetection,
  ImportField,
  ImportKind,
  NumberFormat,
  ReadOptions,
} from '../types';
import { detectDelimiter, isDelimiter } from './delimiter';
import { createDecoder, detectEncoding, refuseBinaryText } from './encoding';
import { matchColumns, type ColumnMatch } from './headers';
import { detectColumnFormat, fallbackFormat } from './numbers';
import { parseText } from './record-stream';
import { NUMBER_FIELDS } from './record-validator';

// Everything decided before the rows are read, from the first bytes of the file: encoding,
// line ending, delimiter, header, column mapping and number formats. Deterministic, so the
// preview and the import that follows it read the file the same way.

/** Enough for the header and about a thousand rows of a typical export. */
const SAMPLE_BYTES = 256 * 1024;
/** Rows whose values decide each numeric column's format. */
const FORMAT_SAMPLE_ROWS = 2000;

export interface ReadPlan {
  path: string;
  kind: ImportKind;
  fileSize: number;
  detection: CsvDetection;
  newline: '\n' | '\r';
  /** Whether the file starts with Excel's `sep=;` line, which is not the header. */
  sepLine: boolean;
  headers: string[];
  /** Line of the header (1 unless blank lines or `sep=` come first). */
  headerLine: number;
  columns: ColumnMatch;
}

export async function planRead(path: string, options: ReadOptions): Promise<ReadPlan> {
  const file = await openForReading(path);
  try {
    const { size } = await file.stat();
    if (size === 0) {
      throw new AppError(
        'VALIDATION',
        'El archivo está vacío (0 bytes): no hay nada que importar.',
      );
    }
    const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const { bytesRead } = await file.read(sample, 0, sample.length, 0);
    const bytes = sample.subarray(0, bytesRead);
    const complete = bytesRead >= size;

    const encoding = await detectEncoding(file, bytes, size, options.encoding);
    const decoder = createDecoder(encoding.encoding);
    const text = decoder.write(bytes) + (complete ? (decoder.end() ?? '') : '');
    refuseBinaryText(text);

    const newline = text.includes('\n') || !text.includes('\r') ? '\n' : '\r';
    const sep = /^sep=(.)\r?(?:\n|\r|$)/i.exec(text);
    const sepDelimiter = sep && isDelimiter(sep[1]!) ? sep[1] : null;
    const sepLine = sep !== null;
    const afterSep = sep ? text.slice(sep[0].length) : text;

    let delimiter: CsvDelimiter;
    let delimiterSource: CsvDetection['delimiterSource'] = 'detectado';
    if (options.delimiter) {
      delimiter = options.delimiter;
      delimiterSource = 'indicado';
    } else {
      delimiter = sepDelimiter ?? detectDelimiter(afterSep, newline, complete);
    }

    const parsed = parseText(text, delimiter, newline, complete);
    const first = sepLine ? 1 : 0;
    const header = parsed.records[first];
    if (!header) {
      throw new AppError(
        'VALIDATION',
        complete
          ? 'El archivo no tiene cabecera ni filas: solo contiene líneas vacías.'
          : `No se encuentra la fila de cabecera en los primeros ${SAMPLE_BYTES / 1024} KB del archivo.`,
      );
    }
    const headerLine = parsed.lines[first]!;
    const rows = parsed.records.slice(first + 1);
    if (complete && rows.length === 0) throw headerOnly(headerLine);

    const headers = header.map((h) => h.trim());
    const columns = matchColumns(options.kind, headers, options.mapping);
    const numberFormats = chooseNumberFormats(columns, rows, delimiter, options.numberFormat);

    return {
      path,
      kind: options.kind,
      fileSize: size,
      detection: {
        encoding: encoding.encoding,
        encodingSource: encoding.source,
        bom: encoding.bom,
        delimiter,
        delimiterSource,
        numberFormats,
        numberFormatSource: options.numberFormat ? 'indicado' : 'detectado',
      },
      newline,
      sepLine,
      headers,
      headerLine,
      columns,
    };
  } finally {
    await file.close();
  }
}

export function headerOnly(headerLine: number): AppError {
  return new AppError(
    'VALIDATION',
    `El archivo solo tiene la fila de cabecera (línea ${headerLine}): no hay filas que importar.`,
  );
}

function chooseNumberFormats(
  columns: ColumnMatch,
  rows: readonly string[][],
  delimiter: CsvDelimiter,
  forced: NumberFormat | undefined,
): Partial<Record<ImportField, NumberFormat>> {
  const mapped = NUMBER_FIELDS.flatMap((field) => {
    const index = columns.mapping[field];
    return index === null || index === undefined ? [] : [{ field, index }];
  });
  const sample = rows.slice(0, FORMAT_SAMPLE_ROWS);
  const detected = mapped.map(({ index }) =>
    forced ? forced : detectColumnFormat(sample.map((row) => row[index] ?? '')),
  );
  const fallback = fallbackFormat(detected, delimiter);
  return Object.fromEntries(mapped.map(({ field }, i) => [field, detected[i] ?? fallback]));
}

async function openForReading(path: string): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  const stat = await file.stat();
  if (!stat.isFile()) {
    await file.close();
    throw new AppError('VALIDATION', `«${path}» no es un archivo.`);
  }
  return file;
}

/** fs errors the staff can act on, in Spanish; anything else goes up as it is. */
export function fileError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new AppError('NOT_FOUND', `No existe el archivo «${path}».`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'VALIDATION',
      `No hay permiso para leer el archivo «${path}».`,
      undefined,
      error,
    );
  }
  if (code === 'EISDIR')
    return new AppError('VALIDATION', `«${path}» es una carpeta, no un archivo.`);
  return error;
}

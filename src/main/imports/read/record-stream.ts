import { open } from 'node:fs/promises';
import Papa from 'papaparse';
import { AppError } from '../../../shared/errors';
import type { CsvDelimiter, CsvEncoding } from '../types';
import { isBlankRow } from './delimiter';
import { createDecoder } from './encoding';

// The file as a stream of CSV records with the physical line each starts on. Bytes are read in
// chunks, decoded (iconv-lite keeps characters split across chunks whole) and handed to
// papaparse's parser, which returns the complete records and where the incomplete last one
// starts; that tail is carried into the next chunk. Memory is a chunk plus one record, whatever
// the file's size.

const CHUNK_BYTES = 256 * 1024;
/**
 * A record longer than this is refused. Real records are far shorter (the longest accepted
 * field is 200 characters); one this long is almost always a quote left open, which makes the
 * rest of the file one field. Refusing it bounds memory and the re-parsing of the carried tail.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

export interface RecordChunk {
  /** The records' fields, blank lines left out. */
  records: string[][];
  /** The physical line each record starts on (1-based). */
  lines: number[];
  /** Indexes into `records` of those whose quotes are malformed or never closed. */
  badQuotes: Set<number> | null;
}

export interface RecordStreamOptions {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  newline: '\n' | '\r';
  signal?: AbortSignal;
  /** Called after each chunk is read with the bytes read so far. */
  onBytes?: (bytes: number) => void;
}

/** The file's records, chunk by chunk. Ending the iteration early closes the file. */
export async function* streamRecords(
  path: string,
  options: RecordStreamOptions,
): AsyncGenerator<RecordChunk> {
  const { newline, signal } = options;
  const parser = new Papa.Parser({ delimiter: options.delimiter, newline, quoteChar: '"' });
  const decoder = createDecoder(options.encoding);
  // Closed in `finally`, awaited: when the consumer stops, aborts or fails, the file is closed by
  // the time its call returns.
  const file = await open(path, 'r');
  // One buffer for the whole read: each chunk is decoded into a string at once, and the decoders
  // copy the bytes of a character split across chunks.
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry = '';
  let line = 1;
  let bytes = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      options.onBytes?.(bytes);
      const text = carry + decoder.write(buffer.subarray(0, bytesRead));
      const result = parser.parse(text, 0, true) as Papa.ParseResult<string[]>;
      carry = text.slice(result.meta.cursor);
      const parsed = collect(result, text, newline, line);
      line = parsed.nextLine;
      if (carry.length > MAX_RECORD_CHARS) throw recordTooLong(line, carry);
      if (parsed.chunk.records.length > 0) yield parsed.chunk;
    }
    const text = carry + (decoder.end() ?? '');
    if (text.length > 0) {
      const result = parser.parse(text, 0, false) as Papa.ParseResult<string[]>;
      const parsed = collect(result, text, newline, line);
      if (parsed.chunk.records.length > 0) yield parsed.chunk;
    }
  } finally {
    await file.close();
  }
}

/** The records of a piece of text from the start of the file (for detection and the header). */
export function parseText(
  text: string,
  delimiter: CsvDelimiter,
  newline: '\n' | '\r',
  complete: boolean,
): RecordChunk {
  const parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
  const result = parser.parse(text, 0, !complete) as Papa.ParseResult<string[]>;
  return collect(result, text, newline, 1).chunk;
}

function collect(
  result: Papa.ParseResult<string[]>,
  text: string,
  newline: '\n' | '\r',
  firstLine: number,
): { chunk: RecordChunk; nextLine: number } {
  const rows = result.data;
  // Without a quote in the text no field can hold a line break: one record, one line.
  const mayHaveBreaks = text.indexOf('"') !== -1;
  // A CRLF file is parsed on LF (so a file that mixes both still splits into lines): the CR
  // stays at the end of an unquoted last field.
  const stripCr = newline === '\n';
  let badRows: Set<number> | null = null;
  for (const error of result.errors) {
    // Errors in the unfinished last record (not in `rows`) are found again when it is complete.
    if (error.row !== undefined && error.row < rows.length) (badRows ??= new Set()).add(error.row);
  }

  const records: string[][] = [];
  const lines: number[] = [];
  let badQuotes: Set<number> | null = null;
  let line = firstLine;
  for (let i = 0; i < rows.length; i++) {
    const fields = rows[i]!;
    const start = line;
    line += mayHaveBreaks ? 1 + breaksIn(fields, newline) : 1;
    if (stripCr) {
      const last = fields.length - 1;
      const value = fields[last]!;
      if (value.charCodeAt(value.length - 1) === 13) fields[last] = value.slice(0, -1);
    }
    if (isBlankRow(fields)) continue;
    if (badRows?.has(i)) (badQuotes ??= new Set()).add(records.length);
    records.push(fields);
    lines.push(start);
  }
  return { chunk: { records, lines, badQuotes }, nextLine: line };
}

function breaksIn(fields: readonly string[], newline: '\n' | '\r'): number {
  let count = 0;
  for (const field of fields) {
    let at = field.indexOf(newline);
    while (at !== -1) {
      count++;
      at = field.indexOf(newline, at + 1);
    }
  }
  return count;
}

/** `line`: where the carried, unfinished record starts. */
function recordTooLong(line: number, carry: string) {
  const megabytes = Math.round(MAX_RECORD_CHARS / (1024 * 1024));
  return new AppError(
    'VALIDATION',
    `El registro que empieza en la línea ${line} ocupa más de ${megabytes} MB` +
      (carry.includes('"')
        ? ': probablemente tiene unas comillas (") sin cerrar y el resto del archivo quedó dentro de un campo.'
        : '. Revise esa línea del archivo.'),
  );
}

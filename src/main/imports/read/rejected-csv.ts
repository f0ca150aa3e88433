import type { CsvDetection } from '../types';
import { byteOrderMark, encodeText } from './encoding';

// The report of rejected rows, written so the staff can open it where they opened the original:
// the file's own delimiter and encoding (and its BOM, which tells Excel the file is UTF-8), CRLF
// line ends as RFC 4180 and Excel use. The line and the error come first, so a row with too many
// or too few fields does not push them out of their column; the original columns follow, and a
// corrected report can be imported again (the two extra columns map to no field).

export interface RejectedRow {
  /** The line where the record starts in the original file. */
  line: number;
  /** The record's fields as read. */
  fields: readonly string[];
  /** Why it was rejected (several reasons joined by the caller). */
  message: string;
}

export const REJECTED_EXTRA_HEADERS = ['línea', 'error'] as const;

type Format = Pick<CsvDetection, 'delimiter' | 'encoding' | 'bom'>;

/** The whole report: header and rows. */
export function writeRejectedCsv(
  rows: readonly RejectedRow[],
  headers: readonly string[],
  detection: Format,
): Buffer {
  return Buffer.concat([rejectedCsvHeader(headers, detection), rejectedCsvRows(rows, detection)]);
}

/** The report's first bytes (BOM where the original had one, and the header row), for writing
 * a large report piece by piece with {@link rejectedCsvRows}. */
export function rejectedCsvHeader(headers: readonly string[], detection: Format): Buffer {
  const line = csvLine([...REJECTED_EXTRA_HEADERS, ...headers], detection.delimiter);
  const text = encodeText(line, detection.encoding);
  const bom =
    detection.bom || detection.encoding.startsWith('utf-16')
      ? byteOrderMark(detection.encoding)
      : null;
  return bom ? Buffer.concat([bom, text]) : text;
}

export function rejectedCsvRows(rows: readonly RejectedRow[], detection: Format): Buffer {
  let text = '';
  for (const row of rows) {
    text += csvLine([String(row.line), row.message, ...row.fields], detection.delimiter);
  }
  return encodeText(text, detection.encoding);
}

function csvLine(values: readonly string[], delimiter: string): string {
  return values.map((value) => quoted(value, delimiter)).join(delimiter) + '\r\n';
}

function quoted(value: string, delimiter: string): string {
  const needsQuotes =
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r') ||
    value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

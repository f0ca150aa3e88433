import Papa from 'papaparse';
import type { CsvDelimiter } from '../types';

// The delimiter is the one that splits the header and the first rows into the same number of
// columns, at least two. Parsing is quote-aware, so a delimiter inside a quoted field does not
// count; and the header anchors the choice, so the decimal commas of a `;` file (`12,5`), which
// appear in the rows but not in the header, do not make `,` look consistent.

/** In order of preference when two candidates split the sample equally well. */
export const DELIMITERS: readonly CsvDelimiter[] = [';', ',', '\t', '|'];

const SAMPLE_RECORDS = 100;

export function isDelimiter(value: string): value is CsvDelimiter {
  return (DELIMITERS as readonly string[]).includes(value);
}

/** The delimiter as the staff would name it. */
export function describeDelimiter(delimiter: CsvDelimiter): string {
  switch (delimiter) {
    case ';':
      return 'punto y coma (;)';
    case ',':
      return 'coma (,)';
    case '\t':
      return 'tabulador';
    case '|':
      return 'barra vertical (|)';
  }
}

/**
 * The best delimiter for `sample` (decoded text from the start of the file, header first);
 * `complete` says whether the sample is the whole file (otherwise its last record may be cut).
 * With one column whatever the delimiter, `;`: the column check will then say what is missing.
 */
export function detectDelimiter(sample: string, newline: '\n' | '\r', complete: boolean) {
  let best: { delimiter: CsvDelimiter; consistent: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const parser = new Papa.Parser({ delimiter, newline, preview: SAMPLE_RECORDS * 2 });
    const rows = (parser.parse(sample, 0, !complete).data as string[][]).filter(
      (row) => !isBlankRow(row),
    );
    const header = rows[0];
    if (!header || header.length < 2) continue;
    const records = rows.slice(0, SAMPLE_RECORDS);
    const consistent = records.filter((r) => r.length === header.length).length / records.length;
    if (
      !best ||
      consistent > best.consistent ||
      (consistent === best.consistent && header.length > best.columns)
    ) {
      best = { delimiter, consistent, columns: header.length };
    }
  }
  return best?.delimiter ?? ';';
}

/** A line with nothing in it, or only delimiters and spaces (Excel writes `;;;;` for them). */
export function isBlankRow(row: readonly string[]): boolean {
  for (const field of row) if (field.trim() !== '') return false;
  return true;
}

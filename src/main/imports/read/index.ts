import { AppError } from '../../../shared/errors';
import type {
  ArticleRow,
  CsvPreview,
  ReadOptions,
  ReadProgress,
  ReadRecord,
  StockRow,
} from '../types';
import { FIELD_LABELS } from './headers';
import { fileError, headerOnly, planRead, type ReadPlan } from './plan';
import { streamRecords } from './record-stream';
import { createRecordValidator } from './record-validator';

// The CSV reader of the import: bytes in, typed and validated rows out.
//
//   previewCsv(path, options, limit = 20): Promise<CsvPreview>
//     What was detected (encoding, delimiter, number format per numeric column), the headers,
//     the column mapping, the required fields with no column, and the first `limit` records.
//
//   readCsv(path, options, { batchSize, signal, onProgress }): AsyncGenerator<ReadRecord[]>
//     Every record, in file order, in batches. Memory does not grow with the file. It throws
//     before yielding anything if a required field has no column; it throws `signal.reason` when
//     aborted, and closes the file when aborted, when the consumer stops early, or on error.
//     A file with no data rows is an error, never an empty import.
//
//   writeRejectedCsv(rows, headers, detection): Buffer  (and rejectedCsvHeader/-Rows to write
//     a large report piece by piece): the rejected rows in the file's delimiter and encoding.
//
// Each record carries the line it starts on, its fields as read, the typed row (null when it has
// an error) and its issues (Spanish, with the column's header as written in the file). Duplicate
// codes and unknown codes are not the reader's to judge: the applier sees the whole file and
// the database.
//
// Files: plan.ts decides how to read (encoding.ts, delimiter.ts, headers.ts, numbers.ts);
// record-stream.ts turns the file into records with their lines; record-validator.ts turns a
// record into a row.

export type { RejectedRow } from './rejected-csv';
export { rejectedCsvHeader, rejectedCsvRows, writeRejectedCsv } from './rejected-csv';

export type AnyRecord = ReadRecord<ArticleRow | StockRow>;

export interface ReadCsvOptions {
  /** Records per yielded batch (default 2000). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ReadProgress) => void;
}

const DEFAULT_BATCH_SIZE = 2000;

export async function previewCsv(
  path: string,
  options: ReadOptions,
  limit = 20,
): Promise<CsvPreview> {
  const plan = await planRead(path, options);
  const records: AnyRecord[] = [];
  if (limit > 0) {
    for await (const batch of readPlanned(plan, { batchSize: limit })) {
      records.push(...batch);
      // Leaving the loop closes the file.
      break;
    }
  }
  return {
    detection: plan.detection,
    headers: plan.headers,
    mapping: plan.columns.mapping,
    missingRequired: plan.columns.missingRequired,
    unmappedHeaders: plan.columns.unmappedHeaders,
    records,
  };
}

export async function* readCsv(
  path: string,
  options: ReadOptions,
  { batchSize = DEFAULT_BATCH_SIZE, signal, onProgress }: ReadCsvOptions = {},
): AsyncGenerator<AnyRecord[]> {
  signal?.throwIfAborted();
  const plan = await planRead(path, options);
  const { missingRequired } = plan.columns;
  if (missingRequired.length > 0) {
    const names = missingRequired.map((field) => FIELD_LABELS[field]).join(', ');
    throw new AppError(
      'VALIDATION',
      `Faltan columnas obligatorias: ${names}. Columnas del archivo: ` +
        `${plan.headers.map((h) => `«${h}»`).join(', ')}. Asígnelas en la correspondencia de columnas o renombre las cabeceras.`,
      Object.fromEntries(missingRequired.map((field) => [field, 'Sin columna en el archivo'])),
    );
  }
  yield* readPlanned(plan, { batchSize, signal, onProgress });
}

async function* readPlanned(
  plan: ReadPlan,
  { batchSize = DEFAULT_BATCH_SIZE, signal, onProgress }: ReadCsvOptions,
): AsyncGenerator<AnyRecord[]> {
  const validate = createRecordValidator({
    kind: plan.kind,
    headers: plan.headers,
    mapping: plan.columns.mapping,
    numberFormats: plan.detection.numberFormats,
    delimiter: plan.detection.delimiter,
    newline: plan.newline,
  });
  // Records before the first data row: the `sep=` line, if any, and the header.
  let toSkip = plan.sepLine ? 2 : 1;
  let bytes = 0;
  let count = 0;
  let batch: AnyRecord[] = [];
  const progress = () => onProgress?.({ bytes, totalBytes: plan.fileSize, records: count });

  const chunks = streamRecords(plan.path, {
    encoding: plan.detection.encoding,
    delimiter: plan.detection.delimiter,
    newline: plan.newline,
    signal,
    onBytes: (read) => {
      bytes = read;
    },
  });
  try {
    for await (const { records, lines, badQuotes } of chunks) {
      for (let i = 0; i < records.length; i++) {
        if (toSkip > 0) {
          toSkip--;
          continue;
        }
        batch.push(validate(records[i]!, lines[i]!, badQuotes?.has(i) ?? false));
        count++;
        if (batch.length >= batchSize) {
          progress();
          yield batch;
          batch = [];
          signal?.throwIfAborted();
        }
      }
    }
  } catch (error) {
    throw fileError(plan.path, error);
  }
  if (count === 0) throw headerOnly(plan.headerLine);
  progress();
  if (batch.length > 0) yield batch;
}

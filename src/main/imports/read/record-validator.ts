import type {
  ArticleRow,
  CsvDelimiter,
  ImportField,
  ImportKind,
  NumberFormat,
  ReadRecord,
  RowIssue,
  StockRow,
} from '../types';
import { describeDelimiter } from './delimiter';
import { FIELD_LABELS, requiredFields } from './headers';
import { describeFormat, parseNumber } from './numbers';

// One CSV record → one typed row and its issues. Limits match the IPC contract's article and
// movement inputs (src/shared/contract.ts), so a row accepted here is accepted when applied.

export const TEXT_LIMITS = {
  codigo: 64,
  nombre: 200,
  material: 200,
  unidad: 20,
  referencia_externa: 120,
  almacen: 64,
} as const;

export const NUMBER_LIMITS = {
  diametro: 1e9,
  stock_minimo: 1e12,
  cantidad: 1e12,
} as const;

type TextField = keyof typeof TEXT_LIMITS;
type NumberField = keyof typeof NUMBER_LIMITS;

export const NUMBER_FIELDS: readonly ImportField[] = Object.keys(NUMBER_LIMITS) as NumberField[];

/** Codes and names of places are identifiers: a line break or a tab in one is a mistake. */
const IDENTIFIERS: ReadonlySet<ImportField> = new Set([
  'codigo',
  'unidad',
  'almacen',
  'referencia_externa',
]);
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const SUBJECT: Record<ImportField, string> = {
  codigo: 'El código',
  nombre: 'El nombre',
  material: 'El material',
  diametro: 'El diámetro',
  unidad: 'La unidad',
  stock_minimo: 'El stock mínimo',
  referencia_externa: 'La referencia externa',
  almacen: 'El almacén',
  cantidad: 'La cantidad',
};

const QUOTES_MESSAGE =
  'Comillas mal puestas: un campo entre comillas debe cerrarse justo antes del separador o del final de la línea, y las comillas dentro de él se escriben dobles ("").';

const spanishNumber = new Intl.NumberFormat('es-ES');

export interface ValidatorContext {
  kind: ImportKind;
  headers: readonly string[];
  mapping: Partial<Record<ImportField, number | null>>;
  numberFormats: Partial<Record<ImportField, NumberFormat>>;
  delimiter: CsvDelimiter;
  newline: '\n' | '\r';
}

export type RecordValidator = (
  fields: string[],
  line: number,
  badQuotes: boolean,
) => ReadRecord<ArticleRow | StockRow>;

interface Column {
  index: number;
  header: string;
}

export function createRecordValidator(context: ValidatorContext): RecordValidator {
  const { headers, mapping, delimiter, newline } = context;
  const width = headers.length;
  const column = (field: ImportField): Column | null => {
    const index = mapping[field];
    return index === null || index === undefined ? null : { index, header: headers[index]! };
  };
  const unmappedRequired = requiredFields(context.kind).filter((f) => column(f) === null);
  const readRow = context.kind === 'articulos' ? articleReader(context) : stockReader(context);

  return (fields, line, badQuotes) => {
    const issues: RowIssue[] = [];
    if (badQuotes) issues.push(error(line, null, QUOTES_MESSAGE));
    if (fields.length !== width && !checkWidth(fields, line, issues)) {
      return { line, fields, row: null, issues };
    }
    if (badQuotes) return { line, fields, row: null, issues };
    for (const field of unmappedRequired) {
      issues.push(
        error(
          line,
          null,
          `No hay columna para ${FIELD_LABELS[field]}: asígnela en la correspondencia de columnas.`,
        ),
      );
    }
    const row = readRow(fields, line, issues);
    return { line, fields, row: unmappedRequired.length > 0 ? null : row, issues };
  };

  /** False when the record's shape is wrong; extra fields that are all blank only warn. */
  function checkWidth(fields: readonly string[], line: number, issues: RowIssue[]): boolean {
    const extraBlank = fields.length > width && fields.slice(width).every((f) => f.trim() === '');
    if (extraBlank) {
      issues.push({
        line,
        column: null,
        message: `La fila tiene ${fields.length} campos y la cabecera ${width}; los campos de más están vacíos y se ignoran.`,
        severity: 'warning',
      });
      return true;
    }
    const span = 1 + fields.reduce((n, f) => n + f.split(newline).length - 1, 0);
    const where =
      span > 1
        ? `; el registro ocupa las líneas ${line} a ${line + span - 1} porque un campo entre comillas incluye saltos de línea`
        : '';
    issues.push(
      error(
        line,
        null,
        `La fila tiene ${fields.length} ${fields.length === 1 ? 'campo' : 'campos'} y la cabecera ${width}${where}. ` +
          `Revise los separadores (${describeDelimiter(delimiter)}) y las comillas de esta fila.`,
      ),
    );
    return false;
  }

  function articleReader(ctx: ValidatorContext) {
    const codigo = textReader('codigo', column('codigo'), true);
    const nombre = textReader('nombre', column('nombre'), true);
    const material = textReader('material', column('material'), false);
    const diametro = numberReader('diametro', column('diametro'), ctx.numberFormats, false);
    const unidad = textReader('unidad', column('unidad'), false);
    const stockMinimo = numberReader('stock_minimo', column('stock_minimo'), ctx.numberFormats);
    const referencia = textReader('referencia_externa', column('referencia_externa'), false);
    return (fields: readonly string[], line: number, issues: RowIssue[]): ArticleRow | null => {
      const before = issues.length;
      const row: ArticleRow = {
        codigo: codigo(fields, line, issues) as string,
        nombre: nombre(fields, line, issues) as string,
        material: material(fields, line, issues),
        diametro: diametro(fields, line, issues),
        unidad: unidad(fields, line, issues),
        stock_minimo: stockMinimo(fields, line, issues),
        referencia_externa: referencia(fields, line, issues),
      };
      return issues.length === before ? row : null;
    };
  }

  function stockReader(ctx: ValidatorContext) {
    const codigo = textReader('codigo', column('codigo'), true);
    const almacen = textReader('almacen', column('almacen'), true);
    const cantidad = numberReader('cantidad', column('cantidad'), ctx.numberFormats, true);
    return (fields: readonly string[], line: number, issues: RowIssue[]): StockRow | null => {
      const before = issues.length;
      const row: StockRow = {
        codigo: codigo(fields, line, issues) as string,
        almacen: almacen(fields, line, issues) as string,
        cantidad: cantidad(fields, line, issues) as number,
      };
      return issues.length === before ? row : null;
    };
  }
}

type FieldReader<T> = (fields: readonly string[], line: number, issues: RowIssue[]) => T | null;

/** Trimmed text; empty is null (an issue when required); too long or malformed is an issue. */
function textReader(field: TextField, col: Column | null, required: boolean): FieldReader<string> {
  if (!col) return () => null;
  const { index, header } = col;
  const max = TEXT_LIMITS[field];
  const identifier = IDENTIFIERS.has(field);
  return (fields, line, issues) => {
    const value = fields[index]!.trim();
    if (value === '') {
      if (required) issues.push(error(line, header, missingMessage(field)));
      return null;
    }
    if (value.length > max) {
      issues.push(
        error(
          line,
          header,
          `${SUBJECT[field]} tiene ${spanishNumber.format(value.length)} caracteres; el máximo es ${max}.`,
        ),
      );
      return null;
    }
    if (identifier && CONTROL_CHARACTERS.test(value)) {
      issues.push(
        error(
          line,
          header,
          `${SUBJECT[field]} no puede tener saltos de línea ni tabuladores: «${shown(value)}».`,
        ),
      );
      return null;
    }
    return value;
  };
}

/** A number in the column's format, at least 0 and at most the field's limit; empty is null. */
function numberReader(
  field: NumberField,
  col: Column | null,
  formats: Partial<Record<ImportField, NumberFormat>>,
  required = false,
): FieldReader<number> {
  if (!col) return () => null;
  const { index, header } = col;
  const format = formats[field] ?? 'coma';
  const max = NUMBER_LIMITS[field];
  return (fields, line, issues) => {
    const text = fields[index]!.trim();
    if (text === '') {
      if (required) issues.push(error(line, header, missingMessage(field)));
      return null;
    }
    const value = parseNumber(text, format);
    if (value === undefined) {
      issues.push(
        error(
          line,
          header,
          `«${shown(text)}» no es un número válido para ${FIELD_LABELS[field]} (formato: ${describeFormat(format)}).`,
        ),
      );
      return null;
    }
    if (value < 0) {
      issues.push(
        error(line, header, `${SUBJECT[field]} no puede ser menor que 0: ${shown(text)}.`),
      );
      return null;
    }
    if (value > max) {
      issues.push(
        error(
          line,
          header,
          `${SUBJECT[field]} ${shown(text)} supera el máximo permitido (${spanishNumber.format(max)}).`,
        ),
      );
      return null;
    }
    return value;
  };
}

function missingMessage(field: ImportField): string {
  const subject = SUBJECT[field];
  return `Falta ${subject.charAt(0).toLowerCase()}${subject.slice(1)}: la celda está vacía y es obligatoria.`;
}

function error(line: number, column: string | null, message: string): RowIssue {
  return { line, column, message, severity: 'error' };
}

/** A value short enough to quote in a message. */
function shown(value: string): string {
  const oneLine = value.replace(/[\r\n\t]+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}

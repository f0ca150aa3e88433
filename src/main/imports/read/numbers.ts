import type { CsvDelimiter, NumberFormat } from '../types';

// Numbers as spreadsheets write them: `1.234,56` in a Spanish locale, `1,234.56` in an English
// one, with or without the thousands separator. Which one a column uses is read from its values,
// because a file exported in one locale can hold a column pasted from another.

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COMMA = 44;
const DOT = 46;
const SPACE = 32;
const NBSP = 0xa0;
const NARROW_NBSP = 0x202f;
const PLUS = 43;
const MINUS = 45;

/**
 * The value of `text` (already trimmed) in `format`, or undefined when it is not a number in that
 * format. Thousands separators must group by three (`1.234.567`, not `12.34`), so a value written
 * in the other format is refused rather than silently read as a different number.
 */
export function parseNumber(text: string, format: NumberFormat): number | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  const decimal = format === 'coma' ? COMMA : DOT;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === MINUS || first === PLUS) i = 1;

  // The digits are accumulated as one integer and divided by 10^fraction digits at the end:
  // exact while they fit in 15 digits, and correctly rounded like Number('12.34') (one division
  // of two exact doubles), without building a cleaned-up string for every value.
  let digits = 0;
  let mantissa = 0;
  let integerDigits = 0;
  let groupSeparator = -1;
  let groupDigits = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      mantissa = mantissa * 10 + (c - DIGIT_0);
      digits++;
      integerDigits++;
      groupDigits++;
      continue;
    }
    if (c === decimal) break;
    if (!isGroupSeparator(c, decimal)) return undefined;
    if (groupSeparator === -1) {
      if (groupDigits < 1 || groupDigits > 3) return undefined;
      groupSeparator = c;
    } else if (c !== groupSeparator || groupDigits !== 3) {
      return undefined;
    }
    groupDigits = 0;
  }
  if (groupSeparator !== -1 && groupDigits !== 3) return undefined;

  let fractionDigits = 0;
  if (i < length) {
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) return undefined;
      mantissa = mantissa * 10 + (c - DIGIT_0);
      digits++;
      fractionDigits++;
    }
    // `12,` is more likely a typo than twelve.
    if (fractionDigits === 0) return undefined;
  }
  if (integerDigits === 0 && fractionDigits === 0) return undefined;

  let value: number;
  if (digits <= 15) {
    value = fractionDigits === 0 ? mantissa : mantissa / 10 ** fractionDigits;
  } else {
    let plain = first === MINUS || first === PLUS ? text.slice(1) : text;
    if (groupSeparator !== -1) plain = plain.replaceAll(String.fromCharCode(groupSeparator), '');
    if (decimal === COMMA && fractionDigits > 0) plain = plain.replace(',', '.');
    value = Number(plain);
  }
  // `-0` is zero, not a negative number.
  if (first === MINUS && value !== 0) value = -value;
  return Number.isFinite(value) ? value : undefined;
}

function isGroupSeparator(c: number, decimal: number): boolean {
  if (c === SPACE || c === NBSP || c === NARROW_NBSP) return true;
  return decimal === COMMA ? c === DOT : c === COMMA;
}

/**
 * Which format a single value proves, or null when it proves none: `12` (no separator) and
 * `1.234` or `1,234` (a thousands group or three decimals) read the same in both.
 */
export function formatEvidence(text: string): NumberFormat | null {
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma === -1 && lastDot === -1) return null;
  if (lastComma !== -1 && lastDot !== -1) return lastComma > lastDot ? 'coma' : 'punto';
  const separator = lastComma !== -1 ? ',' : '.';
  const at = lastComma !== -1 ? lastComma : lastDot;
  const asDecimal: NumberFormat = separator === ',' ? 'coma' : 'punto';
  const asThousands: NumberFormat = separator === ',' ? 'punto' : 'coma';
  // Two of the same separator can only be thousands.
  if (text.indexOf(separator) !== at) return asThousands;
  const integerPart = text.slice(0, at).replace(/^[+-]/, '');
  const fraction = text.length - at - 1;
  // A thousands group has exactly three digits after it and a leading group of 1-3 digits that
  // does not start with 0; anything else is a decimal separator.
  if (fraction !== 3 || integerPart.length < 1 || integerPart.length > 3) return asDecimal;
  if (integerPart.startsWith('0')) return asDecimal;
  return null;
}

/** The format most of a column's values prove, or null when none prove anything. */
export function detectColumnFormat(values: readonly string[]): NumberFormat | null {
  let coma = 0;
  let punto = 0;
  for (const value of values) {
    const evidence = formatEvidence(value.trim());
    if (evidence === 'coma') coma++;
    else if (evidence === 'punto') punto++;
  }
  if (coma === punto) return null;
  return coma > punto ? 'coma' : 'punto';
}

/**
 * The format for columns whose values prove nothing (only integers, or only `1.234`): what the
 * file's other numeric columns use, else what the delimiter suggests. A `,`-separated file cannot
 * hold unquoted decimal commas, so it most likely comes from an English locale; `;` is what a
 * Spanish Excel writes, with decimal commas.
 */
export function fallbackFormat(
  detected: readonly (NumberFormat | null)[],
  delimiter: CsvDelimiter,
): NumberFormat {
  const coma = detected.filter((f) => f === 'coma').length;
  const punto = detected.filter((f) => f === 'punto').length;
  if (coma !== punto) return coma > punto ? 'coma' : 'punto';
  return delimiter === ',' ? 'punto' : 'coma';
}

/** How a format is named to the staff: with an example they recognise. */
export function describeFormat(format: NumberFormat): string {
  return format === 'coma' ? 'coma decimal, p. ej. 1.234,5' : 'punto decimal, p. ej. 1,234.5';
}

/** What a Mantine NumberInput holds: a number, or the text being typed ('' when empty). */
export type NumberFieldValue = number | string;

/** Optional text fields travel as null when left empty, as the core stores them. */
export function nullableText(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function nullableNumber(value: NumberFieldValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value.trim() === '') return null;
  const parsed = Number(value.replace(',', '.'));
  return Number.isFinite(parsed) ? parsed : null;
}

// Values under these keys never reach the integration log in clear, wherever they are nested.
const SECRET_KEY =
  /(clave|secret|secreto|token|password|contrase|authorization|api[-_]?key|cookie|credencial)/i;
const MAX_DEPTH = 8;

export const REDACTED = '[oculto]';

export function redact(value: unknown, depth = 0): unknown {
  // A key can also arrive where no key belongs (a query string, a body): text is scanned too.
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      SECRET_KEY.test(key) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** Redacts secrets that appear inside free text (an error message quoting a header, say). */
export function redactText(text: string): string {
  return text
    .replace(/\b(ApiKey|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
    .replace(/\b(gsih_sk_|whsec_)[A-Za-z0-9_+/=-]+/g, `$1${REDACTED}`);
}

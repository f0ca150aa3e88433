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
    out[key] = isSecretKey(key) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

// Every API request writes a log row, and its objects use the same few keys again and again.
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Keys of arbitrary request bodies are not worth remembering beyond a bound.
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
}

// One scan decides whether a text can hold a secret at all; most log text cannot.
const MAYBE_SECRET = /\b(?:ApiKey|Bearer|Basic)\s|\b(?:gsih_sk_|whsec_)/;

/** Redacts secrets that appear inside free text (an error message quoting a header, say). */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(/\b(ApiKey|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
    .replace(/\b(gsih_sk_|whsec_)[A-Za-z0-9_+/=-]+/g, `$1${REDACTED}`);
}

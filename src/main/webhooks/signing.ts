import { createHmac, randomBytes } from 'node:crypto';

// Two signatures on every delivery:
// - Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature): v1 = base64 of
//   HMAC-SHA256 over "{id}.{timestamp}.{body}", keyed with the base64-decoded part of the secret,
//   so receivers can use the official libraries.
// - X-GSIH-Signature: hex HMAC-SHA256 of the raw body keyed with the secret string's UTF-8 bytes,
//   which is what the seed system's validar_webhook(payload, signature, secret) checks.

export const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function secretBytes(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

export function standardSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function gsihSignature(secret: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

/** The signing headers of one attempt; during a rotation the previous secret signs too. */
export function signatureHeaders(
  secrets: { current: string; previous: string | null },
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const standard = [standardSignature(secrets.current, id, timestamp, body)];
  if (secrets.previous) standard.push(standardSignature(secrets.previous, id, timestamp, body));
  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standard.join(' '),
    'X-GSIH-Signature': gsihSignature(secrets.current, body),
  };
  if (secrets.previous)
    headers['X-GSIH-Signature-Anterior'] = gsihSignature(secrets.previous, body);
  return headers;
}

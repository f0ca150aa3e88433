import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  gsihSignature,
  signatureHeaders,
  standardSignature,
} from '../../src/main/webhooks/signing';

describe('webhook signing', () => {
  const body = JSON.stringify({ id: 'evt_1', evento: 'ping', fecha: 'x', datos: { ñ: 'á€' } });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('signs exactly as the official Standard Webhooks library', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const lib = new StandardWebhook(secret);
    expect(standardSignature(secret, 'evt_1', ts, body)).toBe(
      lib.sign('evt_1', new Date(ts * 1000), body),
    );
    const headers = signatureHeaders({ current: secret, previous: null }, 'evt_1', ts, body);
    expect(lib.verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('X-GSIH-Signature is hex HMAC-SHA256 of the raw body keyed with the UTF-8 secret', () => {
    const secret = 'whsec_clave-ñ';
    expect(gsihSignature(secret, body)).toBe(
      createHmac('sha256', Buffer.from(secret, 'utf8'))
        .update(Buffer.from(body, 'utf8'))
        .digest('hex'),
    );
    expect(gsihSignature(secret, body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('during a rotation both secrets sign, space-separated', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders({ current, previous }, 'evt_2', ts, body);
    const entries = headers['webhook-signature']!.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.startsWith('v1,'))).toBe(true);
    expect(() => new StandardWebhook(current).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(headers['X-GSIH-Signature']).toBe(gsihSignature(current, body));
    expect(headers['X-GSIH-Signature-Anterior']).toBe(gsihSignature(previous, body));
  });
});

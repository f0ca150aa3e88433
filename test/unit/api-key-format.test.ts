import { describe, expect, it } from 'vitest';
import {
  displayPrefix,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  KEY_LENGTH,
} from '../../src/main/keys/format';
import { reachableUrls } from '../../src/main/api/addresses';

describe('API key format', () => {
  it('is prefixed, long enough for 32 random bytes, and carries a checksum', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^gsih_sk_[0-9A-Za-z]{49}$/);
    expect(key).toHaveLength(KEY_LENGTH);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(prefix).toBe(key.slice(0, 14));
    expect(displayPrefix(key)).toBe(prefix);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('rejects a mistyped, truncated or foreign key without a lookup', () => {
    const { key } = generateApiKey();
    const body = key.slice(8);
    const typo = `gsih_sk_${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(isWellFormedApiKey(typo)).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}x`)).toBe(false);
    expect(isWellFormedApiKey(key.replace('gsih_sk_', 'gsih_pk_'))).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
    expect(isWellFormedApiKey(`${key.slice(0, -6)}!!!!!!`)).toBe(false);
  });
});

describe('LAN addresses of the API', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
    ],
  } as never;

  it('lists every LAN address for a wildcard bind, loopback last', () => {
    expect(reachableUrls('0.0.0.0', 8787, interfaces)).toEqual([
      'http://192.168.1.20:8787/',
      'http://127.0.0.1:8787/',
    ]);
  });

  it('lists only the bound address otherwise', () => {
    expect(reachableUrls('127.0.0.1', 9000, interfaces)).toEqual(['http://127.0.0.1:9000/']);
    expect(reachableUrls('::1', 9000, interfaces)).toEqual(['http://[::1]:9000/']);
  });
});

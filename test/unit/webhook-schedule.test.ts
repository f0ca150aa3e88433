import { describe, expect, it } from 'vitest';
import {
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  nextDelay,
  parseRetryAfter,
} from '../../src/main/webhooks/schedule';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('nextDelay', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up after 8 attempts', () => {
    expect(RETRY_DELAYS_MS).toEqual([5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(MAX_ATTEMPTS).toBe(8);
    const mid = () => 0.5;
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => nextDelay(n, null, mid));
    expect(delays).toEqual(RETRY_DELAYS_MS);
    expect(nextDelay(8, null, mid)).toBeNull();
    expect(nextDelay(9, null, mid)).toBeNull();
  });

  it('jitters by at most ±10 %', () => {
    RETRY_DELAYS_MS.forEach((base, i) => {
      expect(nextDelay(i + 1, null, () => 0)).toBe(Math.round(base * 0.9));
      // Math.random() is < 1; at the limit the delay is 110 %.
      expect(nextDelay(i + 1, null, () => 1)).toBe(Math.round(base * 1.1));
      expect(nextDelay(i + 1, null, () => 0.999999)).toBeLessThanOrEqual(base * 1.1);
    });
    // With the real Math.random, many draws stay inside the band and are not all equal.
    const draws = Array.from({ length: 200 }, () => nextDelay(2, null)!);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(5 * MIN * 0.9);
    expect(Math.max(...draws)).toBeLessThanOrEqual(5 * MIN * 1.1);
    expect(new Set(draws).size).toBeGreaterThan(10);
  });

  it('honours Retry-After instead of the schedule, without jitter, bounded', () => {
    expect(nextDelay(1, 120 * S, () => 0)).toBe(120 * S);
    expect(nextDelay(3, 7 * S, () => 1)).toBe(7 * S);
    // Zero or tiny: at least a second, never a busy loop.
    expect(nextDelay(1, 0)).toBe(S);
    expect(nextDelay(1, 10)).toBe(S);
    // A receiver cannot park a delivery for weeks.
    expect(nextDelay(1, 30 * 24 * H)).toBe(10 * H);
    // The last attempt is the last one, whatever the receiver asks.
    expect(nextDelay(8, 60 * S)).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-27T10:00:00.000Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120 * S);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['30', '60'], now)).toBe(30 * S);
  });

  it('reads an HTTP date, relative to the given now', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:05:00 GMT', now)).toBe(5 * MIN);
    expect(parseRetryAfter(new Date(now.getTime() + 90 * S).toUTCString(), now)).toBe(90 * S);
    // A date in the past means "now".
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('returns null when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter([], now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('not a date at all', now)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/main/api/rate-limiter';

describe('rate limiter', () => {
  it('allows max requests per window, then refuses until the window resets', () => {
    let now = 1_000;
    const limiter = createRateLimiter(() => now);
    const verdicts = [1, 2, 3].map(() => limiter.hit('clave:1', 2, 60_000));
    expect(verdicts.map((v) => [v.allowed, v.remaining])).toEqual([
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    now += 59_999;
    expect(limiter.hit('clave:1', 2, 60_000)).toEqual({ allowed: false, remaining: 0, resetMs: 1 });
    now += 1;
    expect(limiter.hit('clave:1', 2, 60_000)).toEqual({
      allowed: true,
      remaining: 1,
      resetMs: 60_000,
    });
  });

  it('counts each key on its own', () => {
    const limiter = createRateLimiter(() => 0);
    limiter.hit('clave:1', 1, 1000);
    expect(limiter.hit('clave:1', 1, 1000).allowed).toBe(false);
    expect(limiter.hit('ip:10.0.0.2', 1, 1000).allowed).toBe(true);
  });

  it('forgets the oldest window first when it holds too many', () => {
    let now = 0;
    const limiter = createRateLimiter(() => now, 2);
    limiter.hit('a', 1, 1000);
    now = 10;
    limiter.hit('b', 1, 1000);
    limiter.hit('c', 1, 1000); // drops a
    expect(limiter.hit('a', 1, 1000).allowed).toBe(true);
    expect(limiter.hit('c', 1, 1000).allowed).toBe(false);
  });
});

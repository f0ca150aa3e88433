/** What one counted request learns about its window. */
export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  /** Until the window resets. */
  resetMs: number;
}

export interface RateLimiter {
  /** Counts one request against `key` and says whether it is within `max` per `windowMs`. */
  hit(key: string, max: number, windowMs: number): RateVerdict;
}

/**
 * Fixed-window counters in memory, one per key (an API key or a client address). Synchronous, so
 * the authentication hook that calls it on every request needs no promise; bounded, so requests
 * from many addresses cannot grow it without limit (the oldest window is dropped first).
 */
export function createRateLimiter(now: () => number, maxEntries = 10_000): RateLimiter {
  const windows = new Map<string, { count: number; start: number }>();
  return {
    hit(key, max, windowMs) {
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.start >= windowMs) {
        if (window) windows.delete(key);
        else if (windows.size >= maxEntries) windows.delete(windows.keys().next().value!);
        window = { count: 0, start: at };
        // Re-inserted, so the Map's order stays "oldest window first".
        windows.set(key, window);
      }
      window.count++;
      return {
        allowed: window.count <= max,
        remaining: Math.max(0, max - window.count),
        resetMs: window.start + windowMs - at,
      };
    },
  };
}

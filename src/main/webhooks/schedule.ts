// When attempt n+1 is due after attempt n failed: immediately, then about 5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h and 10 h. Eight attempts in all, spread over about a day and a quarter.
export const RETRY_DELAYS_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A Retry-After longer than this is capped: a receiver cannot park a delivery for weeks. */
const MAX_RETRY_AFTER_MS = 36_000_000;

/**
 * The delay before the next attempt, or null when `attempts` attempts were the last. Jitter of
 * ±10 % keeps many deliveries that failed together from retrying together.
 */
export function nextDelay(
  attempts: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1] ?? RETRY_DELAYS_MS.at(-1)!;
  const jittered = Math.round(base * (0.9 + random() * 0.2));
  if (retryAfterMs === null) return jittered;
  return Math.min(Math.max(retryAfterMs, 1000), MAX_RETRY_AFTER_MS);
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d{1,10}$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}

import { defineConfig } from 'vitest/config';

// End-to-end UI tests: a real `gsih serve` and Debian's Chromium, one file at a time (each
// file starts its own service and browser, and they are heavy).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Reads of the page are polled: a busy CI machine renders later than a developer's.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});

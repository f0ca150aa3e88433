import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { createCore, type Core } from '../src/main/core';
import { createIntegrationLog } from '../src/main/logs/integration-log';
import { silentLogger } from '../src/main/logger';

// What a busy API pays per request for its log line: one committed INSERT each (the naive way)
// against the batched writer, on the same real WAL database file, side by side in one run.
const ENTRIES = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'gsih-bench-'));
const core: Core = await createCore({ dataDir: dir, logger: silentLogger });
const entry = {
  sistema: 'API',
  tipo: 'GET /api/external/articulos/',
  estado: 'OK' as const,
  datos_enviados: { query: { page: 1, page_size: 50 } },
  datos_recibidos: { count: 1234 },
  duracion_ms: 3,
};

afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`integration log: ${ENTRIES} entries`, () => {
  bench('one transaction per entry', () => {
    const log = createIntegrationLog({
      db: core.db,
      clock: { now: () => new Date() },
      logger: silentLogger,
      maxBatch: 1,
    });
    for (let i = 0; i < ENTRIES; i++) log.write(entry);
  });

  bench('batched writer (default: 500 entries or 250 ms)', () => {
    const log = createIntegrationLog({
      db: core.db,
      clock: { now: () => new Date() },
      logger: silentLogger,
    });
    for (let i = 0; i < ENTRIES; i++) log.write(entry);
    log.flush();
  });
});

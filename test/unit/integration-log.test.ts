import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntegrationLog } from '../../src/main/logs/integration-log';
import { redact, redactText } from '../../src/main/logs/redact';
import { silentLogger } from '../../src/main/logger';
import { makeTestCore, manualClock } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

describe('integration log', () => {
  let core: TestCore;
  const clock = manualClock();
  const rows = () =>
    core.db.prepare('SELECT count(*) FROM integration_log').pluck().get() as number;

  beforeEach(async () => {
    core = await makeTestCore({ clock });
  });
  afterEach(() => core.cleanup());

  it('buffers writes and commits them as one batch', async () => {
    const flushed: number[] = [];
    const log = createIntegrationLog({
      db: core.db,
      clock,
      logger: silentLogger,
      maxBatch: 100,
      flushIntervalMs: 20,
      onFlushed: (n) => flushed.push(n),
    });
    for (let i = 0; i < 5; i++) log.write({ sistema: 'ERP', tipo: 'sync', estado: 'OK' });
    expect(rows()).toBe(0);
    expect(log.pending()).toBe(5);
    await new Promise((r) => setTimeout(r, 60));
    expect(rows()).toBe(5);
    expect(flushed).toEqual([5]);
  });

  it('flushes as soon as a batch is full', () => {
    const log = createIntegrationLog({
      db: core.db,
      clock,
      logger: silentLogger,
      maxBatch: 3,
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 7; i++) log.write({ sistema: 'API', tipo: 'GET', estado: 'OK' });
    expect(rows()).toBe(6);
    log.close();
    expect(rows()).toBe(7);
  });

  it('commits on the writer thread, and flush() waits until the rows are on disk', async () => {
    const flushed: number[] = [];
    const log = createIntegrationLog({
      db: core.db,
      clock,
      logger: silentLogger,
      maxBatch: 4,
      flushIntervalMs: 60_000,
      onFlushed: (n) => flushed.push(n),
      thread: { file: join(core.dataDir, 'gsih.db') },
    });
    for (let i = 0; i < 10; i++) log.write({ sistema: 'API', tipo: 'GET', estado: 'OK' });
    // Two full batches were handed over without waiting; the rest waits for flush().
    expect(log.pending()).toBe(2);
    expect(log.flush()).toBe(2);
    expect(rows()).toBe(10);
    await expect.poll(() => flushed.reduce((a, b) => a + b, 0)).toBe(10);
    await log.close();
  });

  it('writes on the main thread when the writer thread cannot start', async () => {
    const errors: string[] = [];
    const log = createIntegrationLog({
      db: core.db,
      clock,
      logger: { ...silentLogger, error: (message: string) => errors.push(message) },
      thread: { file: join(core.dataDir, 'no-such-dir', 'gsih.db') },
    });
    log.write({ sistema: 'API', tipo: 'GET', estado: 'OK' });
    await new Promise((r) => setTimeout(r, 300)); // the thread fails to open its database
    log.write({ sistema: 'API', tipo: 'GET', estado: 'OK' });
    log.flush();
    expect(errors.join('\n')).toMatch(/writer thread/);
    // The thread died before its first batch was due: both entries are written here instead.
    expect(rows()).toBe(2);
    await log.close();
  });

  it('filters and pages, newest first', () => {
    const log = core.services.log;
    for (let i = 0; i < 12; i++) {
      clock.advance(1000);
      log.write({
        sistema: i % 2 ? 'ERP' : 'API',
        tipo: 'llamada',
        estado: i === 11 ? 'ERROR' : 'OK',
        error: i === 11 ? 'Tiempo agotado' : null,
        datos_enviados: { n: i },
      });
    }
    log.flush();
    const erp = log.list({ sistema: 'ERP', page: 1, page_size: 4 });
    expect(erp.total).toBe(6);
    expect(erp.items.map((e) => (e.datos_enviados as { n: number }).n)).toEqual([11, 9, 7, 5]);
    expect(log.list({ estado: 'ERROR', page: 1, page_size: 10 }).items[0]?.error).toBe(
      'Tiempo agotado',
    );
    expect(log.list({ texto: 'agotado', page: 1, page_size: 10 }).total).toBe(1);
    const since = new Date(clock.now().getTime() - 2500).toISOString();
    expect(log.list({ desde: since, page: 1, page_size: 10 }).total).toBe(3);
    expect(log.facets()).toEqual({ sistemas: ['API', 'ERP'], tipos: ['llamada'] });
  });

  it('prunes by age and then by row count', () => {
    const log = core.services.log;
    log.write({ sistema: 'old', tipo: 't', estado: 'OK', fecha: '2026-01-01T00:00:00.000Z' });
    for (let i = 0; i < 5; i++) log.write({ sistema: 'new', tipo: 't', estado: 'OK' });
    expect(log.prune({ days: 30, maxRows: 3 })).toBe(3);
    expect(log.list({ page: 1, page_size: 10 }).items.map((e) => e.sistema)).toEqual([
      'new',
      'new',
      'new',
    ]);
  });

  it('never stores secrets in clear', () => {
    const log = core.services.log;
    log.write({
      sistema: 'ERP',
      tipo: 'auth',
      estado: 'ERROR',
      datos_enviados: {
        headers: { Authorization: 'Bearer abc.def' },
        erp: { password: 'hunter2', usuario: 'ana' },
        clave: 'gsih_sk_x',
      },
      error: 'Rechazado: Authorization: Bearer abc.def con clave gsih_sk_ABCDEF',
    });
    log.flush();
    const stored = core.db
      .prepare('SELECT datos_enviados || error FROM integration_log')
      .pluck()
      .get() as string;
    expect(stored).not.toMatch(/abc\.def|hunter2|gsih_sk_ABCDEF|gsih_sk_x/);
    expect(stored).toContain('ana');
  });

  it('redacts nested secret keys and bearer tokens in text', () => {
    expect(redact({ a: [{ webhook_secret: 's', ok: 1 }] })).toEqual({
      a: [{ webhook_secret: '[oculto]', ok: 1 }],
    });
    expect(redactText('ApiKey gsih_sk_123 falló')).toBe('ApiKey [oculto] falló');
  });
});

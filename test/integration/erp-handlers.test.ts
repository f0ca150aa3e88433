import { afterEach, describe, expect, it } from 'vitest';
import type { HandlerName, HandlerResult, PushMessage } from '../../src/shared/contract';
import { makeErpSetup, ERP_TOKEN, type ErpSetup } from '../fixtures/erp';

// The ERP page's handlers (erp/*), called through the core's dispatcher as the IPC and the bridge
// call them: inputs validated by the contract, the service behind them, the UI's user recorded
// on the runs it starts. The service's own rules are tested in erp-sync and erp-push.

const ctx = { actor: 'ui:ana' };
let setup: ErpSetup | null = null;
afterEach(async () => {
  await setup?.cleanup();
  setup = null;
});

async function call<K extends HandlerName>(name: K, input: unknown): Promise<HandlerResult<K>> {
  const answer = await setup!.core.dispatch(name, input, ctx);
  if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
  return answer.result as HandlerResult<K>;
}

/**
 * Follows erp/changed from now on: the returned function resolves once run `id` has ended
 * (before or after it is called).
 */
function watchRunEnds(): (id: number) => Promise<void> {
  const ended = new Set<number>();
  const waiting = new Map<number, () => void>();
  setup!.core.subscribe((message: PushMessage) => {
    if (message.event !== 'erp/changed') return;
    const { ejecucion, estado } = message.payload;
    if (ejecucion === null || estado === null || estado === 'EN_CURSO') return;
    ended.add(ejecucion);
    waiting.get(ejecucion)?.();
  });
  return (id) =>
    ended.has(id) ? Promise.resolve() : new Promise((resolve) => waiting.set(id, resolve));
}

const ARTICLES = [
  { id: 'E-1', codigo: 'TUB-1', nombre: 'Tubo 1', unidad: 'm', stock_minimo: 5 },
  { id: 'E-2', codigo: 'TUB-2', nombre: 'Tubo 2', unidad: 'm', stock_minimo: 5 },
];

describe('erp/* handlers', () => {
  it('configure and config: the secret is taken, never given back; null before', async () => {
    setup = await makeErpSetup({ configure: false });
    expect(await call('erp/config', {})).toBeNull();
    expect((await call('erp/status', {})).configurado).toBe(false);

    const saved = await call('erp/configure', setup.config);
    expect(saved.autenticacion).toMatchObject({ tipo: 'bearer', credencial_guardada: true });
    const config = await call('erp/config', {});
    expect(config).toEqual(saved);
    expect(JSON.stringify(config)).not.toContain(ERP_TOKEN);

    // Left out, the saved token stays.
    await call('erp/configure', { ...setup.config, autenticacion: { tipo: 'bearer' } });
    setup.erp.putArticles(ARTICLES);
    const dry = await call('erp/sync', { tipo: 'articulos', simulacion: true });
    expect(dry.simulacion?.estado).toBe('COMPLETADA');
  });

  it('refuses a bad configuration field by field, in Spanish', async () => {
    setup = await makeErpSetup({ configure: false });
    await expect(
      call('erp/configure', { ...setup.config, url: 'ftp://erp', cada_segundos: 5 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: {
        url: 'Debe ser una URL http:// o https:// completa',
        cada_segundos: 'Al menos 60 segundos',
      },
    });
  });

  it('previews the first records of a configuration being edited, saving nothing', async () => {
    setup = await makeErpSetup({ configure: false });
    setup.erp.putArticles(ARTICLES);
    const preview = await call('erp/preview', { configuracion: setup.config, limite: 1 });
    expect(preview.registros).toHaveLength(1);
    expect(preview.registros[0]!.mapeado).toMatchObject({
      referencia_externa: 'E-1',
      codigo: 'TUB-1',
      nombre: 'Tubo 1',
    });
    expect(preview.campos).toContain('fecha_modificacion');
    expect(await call('erp/config', {})).toBeNull();
  });

  it('sync answers at once with the run, which ends on its own and is listed with its ledger', async () => {
    setup = await makeErpSetup();
    const ended = watchRunEnds();
    setup.erp.putArticles(ARTICLES);
    const started = await call('erp/sync', { tipo: 'articulos' });
    expect(started).toEqual({ id: expect.any(Number), simulacion: null });
    await ended(started.id!);

    const run = await call('erp/run', { id: started.id! });
    expect(run).toMatchObject({
      estado: 'COMPLETADA',
      tipo: 'articulos',
      origen: 'ui',
      usuario: 'ui:ana',
      creados: 2,
    });
    const runs = await call('erp/runs', {});
    expect(runs.items.map((r) => r.id)).toEqual([started.id]);
    const ledger = await call('erp/ledger', { ejecucion: started.id!, estado: 'SINCRONIZADO' });
    expect(ledger.total).toBe(2);
    expect((await call('erp/ledger', { estado: 'ERROR' })).total).toBe(0);
    const status = await call('erp/status', {});
    expect(status).toMatchObject({ configurado: true, en_curso: null, ultima: { id: started.id } });
    expect(await call('erp/cancel', {})).toEqual({ cancelada: false });
  });

  it('a failed run says why; its ERROR rows can be retried as a run of their own', async () => {
    setup = await makeErpSetup();
    const ended = watchRunEnds();
    setup.erp.putArticles([...ARTICLES, { id: 'E-3', nombre: 'Sin código' }]);
    const first = await call('erp/sync', { tipo: 'articulos' });
    await ended(first.id!);
    const errors = await call('erp/ledger', { estado: 'ERROR' });
    expect(errors.total).toBe(1);
    expect(errors.items[0]!.error).toMatch(/c[oó]digo/);

    const retry = await call('erp/retry', { ids: [errors.items[0]!.id] });
    expect(retry.id).toEqual(expect.any(Number));
    await ended(retry.id!);
    expect((await call('erp/run', { id: retry.id! })).tipo).toBe('reintento');

    setup.erp.expireCredentials();
    const failed = await call('erp/sync', {});
    await ended(failed.id!);
    const run = await call('erp/run', { id: failed.id! });
    expect(run.estado).toBe('FALLIDA');
    expect(run.error).toMatch(/401|credenciales/i);
    expect((await call('erp/runs', { estado: 'FALLIDA' })).items.map((r) => r.id)).toEqual([
      failed.id,
    ]);
  });

  it('refuses a second run while one goes on, and cancels the running one', async () => {
    setup = await makeErpSetup();
    const ended = watchRunEnds();
    setup.erp.putArticles(ARTICLES);
    setup.erp.fail({ entity: 'articulos' }, { kind: 'hang' });
    const running = await call('erp/sync', {});
    await expect(call('erp/sync', {})).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await call('erp/status', {})).en_curso).toMatchObject({
      id: running.id,
      propia: true,
    });
    expect(await call('erp/cancel', {})).toEqual({ cancelada: true });
    await ended(running.id!);
    expect((await call('erp/run', { id: running.id! })).estado).toBe('CANCELADA');
  });
});

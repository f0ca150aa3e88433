import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HANDLER_NAMES } from '../../src/shared/contract';
import { makeTestCore } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
const ctx = { actor: 'ui:test' };

describe('handler map called as plain functions', () => {
  let core: TestCore;
  const call = (name: string, input: unknown) => core.dispatch(name, input, ctx);
  const articleCount = () => core.db.prepare('SELECT count(*) FROM articles').pluck().get();

  beforeEach(async () => {
    core = await makeTestCore();
  });
  afterEach(() => core.cleanup());

  it('runs the full inventory flow through the contract', async () => {
    const created = await call('inventory/createArticle', {
      codigo: 'TUB-001',
      nombre: 'Tubo',
      stock_minimo: 10,
    });
    expect(created).toMatchObject({
      ok: true,
      result: { id: 1, unidad: 'unidad', material: null },
    });
    const entrada = await call('inventory/createMovement', {
      tipo: 'ENTRADA',
      articulo: 1,
      cantidad: 12,
    });
    expect(entrada).toMatchObject({
      ok: true,
      result: { origen: 'ui', creado_por: 'ui:test', almacen: 'PRINCIPAL' },
    });
    await call('inventory/approveMovement', { id: 1 });
    await call('inventory/createMovement', { tipo: 'SALIDA', articulo: 1, cantidad: 5 });
    await call('inventory/approveMovement', { id: 2 });
    const list = await call('inventory/listArticles', {});
    expect(list).toMatchObject({
      ok: true,
      result: {
        total: 1,
        page: 1,
        page_size: 50,
        items: [{ stock_total: 7, alertas_abiertas: 1 }],
      },
    });
    const info = await call('app/info', {});
    expect(info).toMatchObject({
      ok: true,
      result: {
        counts: { articulos: 1, alertas_abiertas: 1, movimientos_pendientes: 0, eventos: 6 },
      },
    });
  });

  it('refuses an unknown handler, including inherited property names', async () => {
    for (const name of ['nope/nothing', 'toString', '__proto__', 'constructor']) {
      expect(await call(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_HANDLER' } });
    }
  });

  it('refuses wrong types, missing fields, unknown fields and oversized strings, changing nothing', async () => {
    const cases: unknown[] = [
      { codigo: 1, nombre: 'x' },
      { nombre: 'sin código' },
      { codigo: 'A', nombre: 'x', inesperado: true },
      { codigo: 'A', nombre: 'x'.repeat(201) },
      { codigo: '   ', nombre: 'x' },
      { codigo: 'A', nombre: 'x', stock_minimo: -1 },
      'not an object',
      null,
    ];
    for (const input of cases) {
      const result = await call('inventory/createArticle', input);
      expect(result, JSON.stringify(input)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
    expect(articleCount()).toBe(0);
  });

  it('names the offending field in a validation error, in Spanish', async () => {
    const result = await call('inventory/createMovement', {
      tipo: 'ROBO',
      articulo: 1,
      cantidad: 0,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/^Datos no válidos: /);
    expect(Object.keys(result.error.details ?? {})).toContain('tipo');
  });

  it('refuses a zero ENTRADA but accepts an AJUSTE to zero', async () => {
    await call('inventory/createArticle', { codigo: 'A', nombre: 'x' });
    expect(
      await call('inventory/createMovement', { tipo: 'ENTRADA', articulo: 1, cantidad: 0 }),
    ).toMatchObject({
      ok: false,
      error: { details: { cantidad: 'La cantidad debe ser mayor que cero' } },
    });
    expect(
      await call('inventory/createMovement', { tipo: 'AJUSTE', articulo: 1, cantidad: 0 }),
    ).toMatchObject({ ok: true });
  });

  it('turns an unexpected failure into INTERNAL without the stack or the cause', async () => {
    core.db.exec('DROP TABLE stock_alerts');
    const result = await call('inventory/listAlerts', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'Error interno. El detalle quedó en el registro de la aplicación.',
      },
    });
  });

  it('reads and validates settings', async () => {
    expect(await call('settings/get', {})).toMatchObject({
      ok: true,
      result: { language: 'es', apiPort: 8787, apiHost: '0.0.0.0' },
    });
    expect(await call('settings/update', { language: 'en', apiPort: 9000 })).toMatchObject({
      ok: true,
      result: { language: 'en', apiPort: 9000 },
    });
    expect(await call('settings/update', { apiPort: 70000 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { apiPort: expect.any(String) } },
    });
    expect(await call('settings/update', { dataDir: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await call('settings/get', {})).toMatchObject({
      ok: true,
      result: { language: 'en', apiPort: 9000 },
    });
  });

  it('implements every name in the contract', async () => {
    for (const name of HANDLER_NAMES) {
      const result = await call(name, {});
      if (!result.ok) expect(result.error.code, name).not.toBe('UNKNOWN_HANDLER');
    }
  });
});

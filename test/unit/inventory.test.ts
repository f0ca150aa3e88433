import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppError } from '../../src/shared/errors';
import type { InventoryChange, InventoryService } from '../../src/main/inventory/service';
import { makeTestCore, manualClock } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

const article = (over: Partial<Parameters<InventoryService['createArticle']>[0]> = {}) => ({
  codigo: 'TUB-001',
  nombre: 'Tubo de acero',
  material: 'acero',
  diametro: 25,
  unidad: 'unidad',
  stock_minimo: 10,
  referencia_externa: null,
  ...over,
});

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('inventory', () => {
  let core: TestCore;
  let inv: InventoryService;
  const events = () =>
    core.db.prepare('SELECT evento FROM events ORDER BY seq').pluck().all() as string[];
  const stockOf = (id: number, almacen = 'PRINCIPAL') =>
    inv.listStock({ articulo: id, almacen, page: 1, page_size: 10 }).items[0]?.cantidad ?? 0;
  const openAlerts = (id: number) =>
    inv.listAlerts({ articulo: id, estado: 'ABIERTA', page: 1, page_size: 10 }).items;
  const move = (
    id: number,
    tipo: 'ENTRADA' | 'SALIDA' | 'AJUSTE',
    cantidad: number,
    almacen?: string,
  ) => inv.createMovement({ tipo, articulo: id, cantidad, almacen, origen: 'ui' }, 'ui:test');
  const approved = (
    id: number,
    tipo: 'ENTRADA' | 'SALIDA' | 'AJUSTE',
    cantidad: number,
    almacen?: string,
  ) => inv.approveMovement(move(id, tipo, cantidad, almacen).id, 'ui:jefe');

  beforeEach(async () => {
    core = await makeTestCore({ clock: manualClock() });
    inv = core.services.inventory;
  });
  afterEach(() => core.cleanup());

  it('creates an article and refuses a second one with the same código', () => {
    const created = inv.createArticle(article());
    expect(created).toMatchObject({
      id: 1,
      codigo: 'TUB-001',
      stock_minimo: 10,
      fecha_creacion: '2026-11-27T10:00:00.000Z',
    });
    const error = thrown(() => inv.createArticle(article({ nombre: 'Otro' })));
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ codigo: 'Código duplicado' });
    expect(inv.listArticles({ page: 1, page_size: 10 }).total).toBe(1);
  });

  it('keeps leading zeros and refuses a duplicate referencia externa on update', () => {
    const a = inv.createArticle(article({ codigo: '000123', referencia_externa: 'ERP-1' }));
    const b = inv.createArticle(article({ codigo: '000124' }));
    expect(a.codigo).toBe('000123');
    expect(thrown(() => inv.updateArticle(b.id, { referencia_externa: 'ERP-1' })).code).toBe(
      'CONFLICT',
    );
    expect(inv.updateArticle(b.id, { nombre: 'Renombrado' }).nombre).toBe('Renombrado');
  });

  it('changes stock only when a movement is approved', () => {
    const { id } = inv.createArticle(article());
    const pending = move(id, 'ENTRADA', 12);
    expect(pending.estado).toBe('PENDIENTE');
    expect(stockOf(id)).toBe(0);
    const done = inv.approveMovement(pending.id, 'ui:jefe');
    expect(done).toMatchObject({
      estado: 'APROBADO',
      aprobado_por: 'ui:jefe',
      stock_anterior: 0,
      stock_resultante: 12,
    });
    expect(done.fecha_aprobacion).toBe('2026-11-27T10:00:00.000Z');
    expect(stockOf(id)).toBe(12);
  });

  it('refuses a SALIDA that would make stock negative, leaving it pending and writing nothing', () => {
    const { id } = inv.createArticle(article());
    approved(id, 'ENTRADA', 3);
    const salida = move(id, 'SALIDA', 5);
    const before = events();
    const error = thrown(() => inv.approveMovement(salida.id, 'ui:jefe'));
    expect(error.code).toBe('INSUFFICIENT_STOCK');
    expect(error.message).toMatch(/en PRINCIPAL hay 3 de TUB-001 y la salida pide 5/);
    expect(stockOf(id)).toBe(3);
    expect(events()).toEqual(before);
    expect(
      inv.listMovements({ estado: 'PENDIENTE', page: 1, page_size: 10 }).items.map((m) => m.id),
    ).toEqual([salida.id]);
  });

  it('keeps stock per almacén', () => {
    const { id } = inv.createArticle(article());
    approved(id, 'ENTRADA', 12, 'NAVE-2');
    expect(stockOf(id, 'NAVE-2')).toBe(12);
    expect(stockOf(id)).toBe(0);
    expect(thrown(() => approved(id, 'SALIDA', 1)).code).toBe('INSUFFICIENT_STOCK');
    expect(inv.getArticle(id).stock_total).toBe(12);
  });

  it('sets the counted stock with an AJUSTE', () => {
    const { id } = inv.createArticle(article({ stock_minimo: 0 }));
    approved(id, 'ENTRADA', 12);
    expect(approved(id, 'AJUSTE', 4)).toMatchObject({ stock_anterior: 12, stock_resultante: 4 });
    expect(stockOf(id)).toBe(4);
  });

  it('does not drift with decimal quantities', () => {
    const { id } = inv.createArticle(article({ stock_minimo: 0 }));
    approved(id, 'ENTRADA', 0.1);
    approved(id, 'ENTRADA', 0.2);
    expect(() => approved(id, 'SALIDA', 0.3)).not.toThrow();
    expect(stockOf(id)).toBe(0);
  });

  it('raises one open alert when stock falls below the minimum, never a second one', () => {
    const { id } = inv.createArticle(article());
    approved(id, 'ENTRADA', 12);
    approved(id, 'SALIDA', 5);
    expect(openAlerts(id)).toHaveLength(1);
    expect(openAlerts(id)[0]).toMatchObject({
      cantidad_actual: 7,
      umbral_minimo: 10,
      almacen: 'PRINCIPAL',
    });
    approved(id, 'SALIDA', 2);
    expect(openAlerts(id)).toHaveLength(1);
    expect(openAlerts(id)[0]?.cantidad_actual).toBe(5);
    expect(events().filter((e) => e === 'stock_bajo')).toHaveLength(1);
    expect(events().filter((e) => e === 'alerta_generada')).toHaveLength(1);
    expect(inv.getArticle(id).alertas_abiertas).toBe(1);
  });

  it('enforces one open alert per article and almacén in the database itself', () => {
    const { id } = inv.createArticle(article());
    approved(id, 'ENTRADA', 12);
    approved(id, 'SALIDA', 5);
    expect(() =>
      core.db
        .prepare(
          `INSERT INTO stock_alerts (articulo_id, almacen, cantidad_actual, umbral_minimo, estado, fecha_creacion)
          VALUES (?, 'PRINCIPAL', 1, 10, 'ABIERTA', 'x')`,
        )
        .run(id),
    ).toThrow(/UNIQUE/);
  });

  it('resolves the alert when stock returns to the minimum, and opens a new one on the next dip', () => {
    const { id } = inv.createArticle(article());
    approved(id, 'ENTRADA', 12);
    approved(id, 'SALIDA', 5);
    approved(id, 'ENTRADA', 3);
    expect(openAlerts(id)).toHaveLength(0);
    const resolved = inv.listAlerts({
      articulo: id,
      estado: 'RESUELTA',
      page: 1,
      page_size: 10,
    }).items;
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      cantidad_actual: 10,
      fecha_resolucion: '2026-11-27T10:00:00.000Z',
    });
    approved(id, 'SALIDA', 1);
    expect(openAlerts(id)).toHaveLength(1);
    expect(events().filter((e) => e === 'stock_bajo')).toHaveLength(2);
  });

  it('re-evaluates alerts when the minimum changes', () => {
    const { id } = inv.createArticle(article({ stock_minimo: 5 }));
    approved(id, 'ENTRADA', 7);
    expect(openAlerts(id)).toHaveLength(0);
    inv.updateArticle(id, { stock_minimo: 8 });
    expect(openAlerts(id)).toHaveLength(1);
    inv.updateArticle(id, { stock_minimo: 7 });
    expect(openAlerts(id)).toHaveLength(0);
  });

  it('writes each event in the outbox with the change that raised it', () => {
    const { id } = inv.createArticle(article());
    const entrada = move(id, 'ENTRADA', 12);
    expect(events()).toEqual(['movimiento_creado']);
    inv.approveMovement(entrada.id, 'ui:jefe');
    approved(id, 'SALIDA', 5);
    expect(events()).toEqual([
      'movimiento_creado',
      'movimiento_aprobado',
      'movimiento_creado',
      'movimiento_aprobado',
      'stock_bajo',
      'alerta_generada',
    ]);
    const page = core.services.outbox.list({ evento: 'stock_bajo', page: 1, page_size: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]?.id).toMatch(/^evt_[0-9a-z]+$/);
    expect(page.items[0]?.datos).toEqual({
      articulo: { id, codigo: 'TUB-001', nombre: 'Tubo de acero' },
      cantidad_actual: 7,
      umbral_minimo: 10,
      almacen: 'PRINCIPAL',
    });
    const created = core.services.outbox.list({
      evento: 'movimiento_creado',
      page: 1,
      page_size: 1,
    }).items[0];
    expect(created?.datos).toMatchObject({
      movimiento: { tipo: 'SALIDA', cantidad: 5 },
      articulo: { codigo: 'TUB-001' },
    });
  });

  it('leaves no event behind when the change rolls back', () => {
    const { id } = inv.createArticle(article());
    const entrada = move(id, 'ENTRADA', 12);
    const eventsBefore = events();
    // The approval runs inside an outer transaction that then fails: both must disappear.
    const failing = core.db.transaction(() => {
      inv.approveMovement(entrada.id, 'ui:jefe');
      throw new Error('disk full');
    });
    expect(() => failing()).toThrow('disk full');
    expect(events()).toEqual(eventsBefore);
    expect(stockOf(id)).toBe(0);
    expect(inv.listMovements({ estado: 'PENDIENTE', page: 1, page_size: 10 }).total).toBe(1);
  });

  it('refuses to write an event outside a transaction', () => {
    expect(() => core.services.outbox.append('stock_bajo', {}, new Date())).toThrow(
      /outside a transaction/,
    );
  });

  it('rejects a pending movement once, recording who and why', () => {
    const { id } = inv.createArticle(article());
    const m = move(id, 'ENTRADA', 12);
    expect(inv.rejectMovement(m.id, 'Albarán erróneo', 'ui:jefe')).toMatchObject({
      estado: 'RECHAZADO',
      motivo_rechazo: 'Albarán erróneo',
      aprobado_por: 'ui:jefe',
    });
    expect(thrown(() => inv.approveMovement(m.id, 'ui:jefe')).code).toBe('CONFLICT');
    expect(thrown(() => inv.rejectMovement(m.id, null, 'ui:jefe')).code).toBe('CONFLICT');
    expect(stockOf(id)).toBe(0);
  });

  it('refuses a movement for an article that does not exist', () => {
    const error = thrown(() => move(99, 'ENTRADA', 1));
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual({ articulo: 'Artículo inexistente' });
  });

  it('searches and pages articles on the server, escaping LIKE wildcards', () => {
    for (let i = 1; i <= 30; i++)
      inv.createArticle(
        article({
          codigo: `A-${String(i).padStart(3, '0')}`,
          nombre: i === 7 ? 'Codo 100%' : `Tubo ${i}`,
        }),
      );
    const page2 = inv.listArticles({ page: 2, page_size: 10 });
    expect(page2).toMatchObject({ total: 30, page: 2, page_size: 10 });
    expect(page2.items[0]?.codigo).toBe('A-011');
    expect(
      inv.listArticles({ texto: '100%', page: 1, page_size: 10 }).items.map((a) => a.codigo),
    ).toEqual(['A-007']);
    expect(inv.listArticles({ texto: '%', page: 1, page_size: 10 }).total).toBe(1);
  });

  it('filters articles with an open alert', () => {
    const low = inv.createArticle(article());
    inv.createArticle(article({ codigo: 'OK-1', stock_minimo: 0 }));
    approved(low.id, 'ENTRADA', 1);
    expect(
      inv
        .listArticles({ solo_bajo_minimo: true, page: 1, page_size: 10 })
        .items.map((a) => a.codigo),
    ).toEqual(['TUB-001']);
  });

  it('notifies changes after commit, not for a refused one', () => {
    const seen: InventoryChange[] = [];
    const unsubscribe = core.subscribe((m) => {
      if (m.event === 'inventory/changed') seen.push({ entidades: [m.payload.entidad] });
    });
    const { id } = inv.createArticle(article());
    const salida = move(id, 'SALIDA', 1);
    const count = seen.length;
    expect(() => inv.approveMovement(salida.id, 'x')).toThrow();
    expect(seen.length).toBe(count);
    unsubscribe();
  });
});

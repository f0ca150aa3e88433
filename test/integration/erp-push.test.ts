import { afterEach, describe, expect, it } from 'vitest';
import { makeErpSetup, UI, type ErpSetup } from '../fixtures/erp';

// Pushing approved local movements to the ERP (`POST {url}/api/movimientos`), from the outbox,
// each with its `movimiento_aprobado` event id as Idempotency-Key, against the fake ERP, which
// honours the key (a repeated key gets the first answer back, nothing is stored twice).

let setups: ErpSetup[] = [];
afterEach(async () => {
  await Promise.all(setups.map((s) => s.cleanup()));
  setups = [];
});

/** A configured ERP with one article it sent (E1, code T-1) and one created in GSIH (L-1). */
async function setup(config: Parameters<typeof makeErpSetup>[0] = {}) {
  const s = await makeErpSetup(config);
  setups.push(s);
  s.erp.putArticles([{ id: 'E1', codigo: 'T-1', nombre: 'Tubo' }]);
  await s.sync({ tipo: 'articulos' });
  const local = s.core.services.inventory.createArticle({
    codigo: 'L-1',
    nombre: 'Solo en GSIH',
    material: null,
    diametro: null,
    unidad: 'unidad',
    stock_minimo: 0,
    referencia_externa: null,
  });
  const erpArticle = s.one<number>(`SELECT id FROM articles WHERE referencia_externa = 'E1'`);
  const inventory = s.core.services.inventory;
  const approved = (articulo: number, tipo: 'ENTRADA' | 'SALIDA' | 'AJUSTE', cantidad: number) => {
    const movement = inventory.createMovement(
      { tipo, articulo, cantidad, almacen: 'PRINCIPAL', origen: 'ui' },
      'ui:ana',
    );
    return inventory.approveMovement(movement.id, 'ui:ana');
  };
  const eventOf = (movementId: number) =>
    s.one<string>(
      `SELECT id FROM events WHERE evento = 'movimiento_aprobado' AND json_extract(datos, '$.movimiento.id') = ?`,
      movementId,
    );
  const posts = () => s.erp.requests.filter((r) => r.method === 'POST');
  return { ...s, local, erpArticle, approved, eventOf, posts };
}

describe('pushing movements', () => {
  it('sends each approved local movement once, keyed by its event id, in order', async () => {
    const s = await setup();
    const entrada = s.approved(s.erpArticle, 'ENTRADA', 10);
    const onLocal = s.approved(s.local.id, 'ENTRADA', 4);
    // Pending (not approved) and rejected movements are not sent.
    s.core.services.inventory.createMovement(
      { tipo: 'ENTRADA', articulo: s.erpArticle, cantidad: 1, origen: 'ui' },
      'ui:ana',
    );
    const run = await s.sync({ tipo: 'movimientos' });
    expect(run.detalle.movimientos).toMatchObject({ estado: 'COMPLETADA', leidos: 2, enviados: 2 });
    expect(s.posts().map((r) => [r.path, r.idempotencyKey, JSON.parse(r.body)])).toEqual([
      [
        '/api/movimientos',
        s.eventOf(entrada.id),
        {
          tipo: 'ENTRADA',
          articulo: 'E1',
          cantidad: 10,
          fecha: entrada.fecha,
          almacen: 'PRINCIPAL',
        },
      ],
      [
        '/api/movimientos',
        s.eventOf(onLocal.id),
        // An article the ERP does not know by reference goes by its code.
        {
          tipo: 'ENTRADA',
          articulo: 'L-1',
          cantidad: 4,
          fecha: onLocal.fecha,
          almacen: 'PRINCIPAL',
        },
      ],
    ]);
    expect(s.posts()[0]!.headers['content-type']).toBe('application/json');
    const rows = s.service.listLedger({ tipo: 'movimiento' }).items;
    expect(rows.map((r) => [r.referencia_interna, r.estado, r.intentos])).toEqual([
      [String(onLocal.id), 'SINCRONIZADO', 1],
      [String(entrada.id), 'SINCRONIZADO', 1],
    ]);
    expect(rows[1]!.datos).toMatchObject({ respuesta: { id: 1, articulo: 'E1' } });

    // Nothing new: nothing sent.
    expect((await s.sync({ tipo: 'movimientos' })).detalle.movimientos).toMatchObject({
      leidos: 0,
    });
    expect(s.erp.movements).toHaveLength(2);
  });

  it('pushes a movement exactly once when the ERP committed it but its answer was lost', async () => {
    const s = await setup();
    const movement = s.approved(s.erpArticle, 'ENTRADA', 3);
    s.erp.fail({ entity: 'movimientos', method: 'POST' }, { kind: 'loseAnswer' });
    const run = await s.sync({ tipo: 'movimientos' });
    expect(run.detalle.movimientos).toMatchObject({
      estado: 'COMPLETADA',
      enviados: 1,
      fallidos: 0,
    });
    const key = s.eventOf(movement.id);
    // Sent twice with the same key: the first was stored and its answer dropped, the second
    // got the stored answer back.
    expect(s.posts().map((r) => [r.idempotencyKey, r.fault])).toEqual([
      [key, 'loseAnswer'],
      [key, null],
    ]);
    expect(s.erp.movements).toEqual([
      expect.objectContaining({ key, body: expect.objectContaining({ cantidad: 3 }) }),
    ]);
    expect(s.service.listLedger({ tipo: 'movimiento' }).items).toEqual([
      expect.objectContaining({ referencia_externa: key, estado: 'SINCRONIZADO', intentos: 1 }),
    ]);
    await s.sync({ tipo: 'movimientos' });
    expect(s.erp.movements).toHaveLength(1);
  });

  it('keeps a push that fails for the next run, which sends it with the same key, never twice', async () => {
    const s = await setup();
    const first = s.approved(s.erpArticle, 'ENTRADA', 1);
    const second = s.approved(s.erpArticle, 'ENTRADA', 2);
    s.erp.fail(
      { entity: 'movimientos' },
      ...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })),
    );
    const failed = await s.sync({ tipo: 'movimientos' });
    expect(failed.estado).toBe('FALLIDA');
    expect(failed.detalle.movimientos).toMatchObject({
      estado: 'FALLIDA',
      enviados: 0,
      fallidos: 1,
    });
    expect(failed.error).toMatch(
      new RegExp(
        `^Movimientos: El movimiento ${first.id}: el ERP respondió 503: Error 503, en 5 intentos\\.$`,
      ),
    );
    // The queue stops at the first that fails: the ERP gets them in order.
    expect(
      s.service
        .listLedger({ tipo: 'movimiento', estado: 'PENDIENTE' })
        .items.map((r) => [r.referencia_interna, r.error !== null]),
    ).toEqual([
      [String(second.id), false],
      [String(first.id), true],
    ]);

    const again = await s.sync({ tipo: 'movimientos' });
    expect(again.detalle.movimientos).toMatchObject({ estado: 'COMPLETADA', enviados: 2 });
    expect(s.erp.movements.map((m) => m.key)).toEqual([s.eventOf(first.id), s.eventOf(second.id)]);
    expect(s.one<number>(`SELECT count(*) FROM erp_sync_records WHERE tipo = 'movimiento'`)).toBe(
      2,
    );
    expect(new Set(s.posts().map((r) => r.idempotencyKey))).toEqual(
      new Set([s.eventOf(first.id), s.eventOf(second.id)]),
    );
  });

  it('makes a movement the ERP refuses an ERROR row; «Reintentar» sends it again', async () => {
    const s = await setup();
    const refused = s.approved(s.erpArticle, 'ENTRADA', 5);
    s.approved(s.erpArticle, 'ENTRADA', 6);
    s.erp.fail(
      { entity: 'movimientos' },
      {
        kind: 'status',
        status: 422,
        body: JSON.stringify({ detail: 'Almacén bloqueado por inventario' }),
      },
    );
    const run = await s.sync({ tipo: 'movimientos' });
    // One refusal does not hold the others back, and does not fail the run.
    expect(run.detalle.movimientos).toMatchObject({
      estado: 'COMPLETADA',
      enviados: 1,
      fallidos: 1,
    });
    const [error] = s.service.listLedger({ estado: 'ERROR' }).items;
    expect(error).toMatchObject({
      tipo: 'movimiento',
      referencia_interna: String(refused.id),
      error: `El ERP rechazó el movimiento ${refused.id} (422): Almacén bloqueado por inventario.`,
    });
    expect(s.erp.movements.map((m) => m.body.cantidad)).toEqual([6]);

    const retried = await s.service.retry({ ids: [error!.id] }, UI).done;
    expect(retried).toMatchObject({
      tipo: 'reintento',
      estado: 'COMPLETADA',
      detalle: { movimientos: { enviados: 1 } },
    });
    expect(s.erp.movements.map((m) => m.body.cantidad)).toEqual([6, 5]);
    expect(s.service.status().registros.ERROR).toBe(0);
  });

  it('retries pulled ERROR rows from the record they keep, with the mapping as it is now', async () => {
    const s = await setup();
    s.erp.now += 3_600_000;
    s.erp.putArticles([{ id: 'E2', codigo: 'T-2', nombre: undefined, material: 'Nylon' }]);
    await s.sync({ tipo: 'articulos' });
    const [error] = s.service.listLedger({ estado: 'ERROR' }).items;
    expect(error).toMatchObject({
      referencia_externa: 'E2',
      error: 'Falta «nombre» (campo del ERP «nombre»)',
    });
    // The ERP keeps the name somewhere else: read it from there from now on.
    s.service.configure({
      ...s.config,
      autenticacion: { tipo: 'bearer' },
      mapeo: { articulos: { nombre: 'material' } },
    });
    const retried = await s.service.retry({}, UI).done;
    expect(retried.detalle.articulos).toMatchObject({ leidos: 1, creados: 1, fallidos: 0 });
    expect(s.one(`SELECT nombre FROM articles WHERE referencia_externa = 'E2'`)).toBe('Nylon');
    expect(s.service.listLedger({ estado: 'ERROR' }).total).toBe(0);
  });
});

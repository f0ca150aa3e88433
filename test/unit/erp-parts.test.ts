import { describe, expect, it } from 'vitest';
import {
  authHeaders,
  backoffDelay,
  DEFAULT_RETRY,
  displayUrl,
  erpMessage,
} from '../../src/main/erp/http';
import { mapArticle, mapStock, parseErpDate, readField } from '../../src/main/erp/mapping';
import { bodyNext, entityUrl, linkNext, recordsOf } from '../../src/main/erp/pages';
import { ERP_PROFILE_DEFAULTS } from '../../src/shared/erp';

// The pure parts of the ERP synchronizer: backoff, what may be shown of a URL, the ERP's error
// messages, pagination clues, and reading records through a mapping.

describe('backoffDelay', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles from the base up to the cap, half fixed and half random', () => {
    const low = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, () => 0));
    const high = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, () => 1));
    expect(low).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(high).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('spreads clients that failed together (real randomness stays within the band)', () => {
    const draws = Array.from({ length: 200 }, () => backoffDelay(3, policy));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(4000);
    expect(new Set(draws).size).toBeGreaterThan(20);
  });
});

describe('what is shown and sent', () => {
  it('masks query parameters that look like credentials in a shown URL', () => {
    expect(displayUrl('https://erp/api/articulos?page=2&api_key=abc&token=x&limit=5')).toBe(
      'https://erp/api/articulos?page=2&api_key=[oculto]&token=[oculto]&limit=5',
    );
    expect(displayUrl('https://erp/odata/Product?$skiptoken=AbC&$top=10')).toBe(
      'https://erp/odata/Product?$skiptoken=AbC&$top=10',
    );
  });

  it('builds each kind of authentication header', () => {
    expect(authHeaders({ tipo: 'bearer', usuario: null, nombre: null, secreto: 't0k' })).toEqual({
      authorization: 'Bearer t0k',
    });
    expect(
      authHeaders({ tipo: 'basic', usuario: 'sap_int', nombre: null, secreto: 'cl:ave' }),
    ).toEqual({ authorization: `Basic ${Buffer.from('sap_int:cl:ave').toString('base64')}` });
    expect(
      authHeaders({ tipo: 'cabecera', usuario: null, nombre: 'X-API-Key', secreto: 'v' }),
    ).toEqual({ 'x-api-key': 'v' });
    expect(authHeaders({ tipo: 'ninguna', usuario: null, nombre: null, secreto: null })).toEqual(
      {},
    );
  });

  it("quotes the ERP's own message from OData, problem+json, DRF or plain text", () => {
    expect(erpMessage('{"error":{"code":"X","message":"Material no existe"}}')).toBe(
      'Material no existe',
    );
    // OData v2 (SAP Gateway).
    expect(erpMessage('{"error":{"message":{"lang":"es","value":"Centro bloqueado"}}}')).toBe(
      'Centro bloqueado',
    );
    expect(erpMessage('{"detail":"Página inválida."}')).toBe('Página inválida.');
    expect(erpMessage('Service Unavailable')).toBe('Service Unavailable');
    expect(erpMessage('  ')).toBeNull();
    expect(erpMessage('x'.repeat(500))).toHaveLength(301);
  });
});

describe('pagination clues', () => {
  const base = 'http://erp:8000/api/articulos?page=1';

  it('finds the records as a bare list or under the usual keys (DRF, OData v4 and v2)', () => {
    expect(recordsOf([{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(recordsOf({ count: 1, next: null, results: [{ a: 1 }] })).toEqual([{ a: 1 }]);
    expect(recordsOf({ '@odata.context': 'x', value: [{ a: 1 }] })).toEqual([{ a: 1 }]);
    expect(recordsOf({ d: { results: [{ a: 1 }] } })).toEqual([{ a: 1 }]);
    expect(recordsOf({ articulos: [{ a: 1 }], total: 1 })).toEqual([{ a: 1 }]);
    expect(recordsOf({ detail: 'no' })).toBeNull();
    expect(recordsOf('texto')).toBeNull();
  });

  it('reads a next link from the body, absolute or relative, null at the end', () => {
    expect(bodyNext({ next: 'http://erp:8000/api/articulos?page=2' }, base)).toEqual({
      present: true,
      url: 'http://erp:8000/api/articulos?page=2',
    });
    expect(bodyNext({ next: null, results: [] }, base)).toEqual({ present: true, url: null });
    expect(
      bodyNext({ '@odata.nextLink': 'Product?$skiptoken=abc' }, 'http://erp/odata/Product?$top=5'),
    ).toEqual({ present: true, url: 'http://erp/odata/Product?$skiptoken=abc' });
    expect(bodyNext([{ next: 'x' }], base)).toEqual({ present: false, url: null });
  });

  it('reads rel="next" from a Link header among other relations', () => {
    expect(
      linkNext(
        { link: '<http://erp/a?page=1>; rel="prev", </api/articulos?page=3>; rel="next"' },
        base,
      ),
    ).toBe('http://erp:8000/api/articulos?page=3');
    expect(linkNext({ link: '<http://erp/a?page=9>; rel="last"' }, base)).toBeNull();
    expect(linkNext({ link: '<http://erp/a?page=2>; rel="next last"' }, base)).toBe(
      'http://erp/a?page=2',
    );
    expect(linkNext({}, base)).toBeNull();
  });

  it('joins the base URL and a path that carries its own query', () => {
    expect(entityUrl('https://erp/sap/opu/', '/Product?sap-client=100').toString()).toBe(
      'https://erp/sap/opu/Product?sap-client=100',
    );
  });
});

describe('reading records through the mapping', () => {
  const rest = ERP_PROFILE_DEFAULTS.rest.mapeo;
  const odata = ERP_PROFILE_DEFAULTS.odata.mapeo;

  it('maps a REST article, keeping unmapped fields out', () => {
    const mapped = mapArticle(
      {
        id: 17,
        codigo: ' T-1 ',
        nombre: 'Tubo',
        material: null,
        diametro: '12,5',
        unidad: 'm',
        stock_minimo: 4,
        fecha_modificacion: '2026-11-27T10:00:00Z',
      },
      { ...rest.articulos, material: null },
    );
    expect(mapped).toEqual({
      ok: true,
      value: {
        referencia: '17',
        modificado: Date.parse('2026-11-27T10:00:00Z'),
        fields: { codigo: 'T-1', nombre: 'Tubo', diametro: 12.5, unidad: 'm', stock_minimo: 4 },
      },
    });
  });

  it('maps an OData article with decimals as strings and nested fields', () => {
    const mapped = mapArticle(
      {
        Product: 'MAT-9',
        ProductDescription: 'Brida',
        BaseUnit: 'PC',
        MinimumStockQuantity: '10.000',
        LastChangeDateTime: '/Date(1795780800000)/',
        Extra: { Group: 'FL' },
      },
      { ...odata.articulos, material: 'Extra.Group' },
    );
    expect(mapped.ok && mapped.value).toMatchObject({
      referencia: 'MAT-9',
      modificado: 1795780800000,
      fields: { codigo: 'MAT-9', nombre: 'Brida', material: 'FL', stock_minimo: 10 },
    });
  });

  it('says which field is wrong, with its ERP name, and still finds the reference', () => {
    expect(mapArticle({ id: 'A1', codigo: 'C', fecha_modificacion: 5 }, rest.articulos)).toEqual({
      ok: false,
      error: 'Falta «nombre» (campo del ERP «nombre»)',
      referencia: 'A1',
      modificado: 5,
    });
    expect(
      mapArticle({ id: 'A1', codigo: 'C', nombre: 'N', stock_minimo: -1 }, rest.articulos),
    ).toMatchObject({
      ok: false,
      error: '«stock mínimo» (stock_minimo) es negativo: -1',
    });
    expect(
      mapArticle({ id: 'A1', codigo: 'C', nombre: 'N', diametro: 'ancho' }, rest.articulos),
    ).toMatchObject({
      ok: false,
      error: '«diámetro» (diametro) no es un número: ancho',
    });
    expect(
      mapArticle({ id: 'A1', codigo: 'x'.repeat(65), nombre: 'N' }, rest.articulos),
    ).toMatchObject({
      ok: false,
      error: '«código» (codigo) tiene más de 64 caracteres',
    });
    expect(mapArticle(['no', 'objeto'], rest.articulos)).toMatchObject({
      ok: false,
      referencia: null,
    });
  });

  it('maps stock, with PRINCIPAL when the almacén is not sent, keyed by article and almacén', () => {
    expect(mapStock({ articulo: 'A1', cantidad: '7.500' }, rest.stock)).toEqual({
      ok: true,
      value: {
        referencia: 'A1@PRINCIPAL',
        articulo: 'A1',
        almacen: 'PRINCIPAL',
        cantidad: 7.5,
        modificado: null,
      },
    });
    expect(mapStock({ articulo: 'A1', almacen: 'NAVE' }, rest.stock)).toMatchObject({
      ok: false,
      error: 'Falta «cantidad» (campo del ERP «cantidad»)',
      referencia: 'A1@NAVE',
    });
  });

  it('reads modification times as ERPs send them; without a zone they are UTC', () => {
    expect(parseErpDate('2026-11-27T10:00:00+01:00')).toBe(Date.parse('2026-11-27T09:00:00Z'));
    expect(parseErpDate('2026-11-27T10:00:00')).toBe(Date.parse('2026-11-27T10:00:00Z'));
    expect(parseErpDate('2026-11-27T10:00:00.250')).toBe(Date.parse('2026-11-27T10:00:00.250Z'));
    expect(parseErpDate('/Date(1795780800000+0000)/')).toBe(1795780800000);
    expect(parseErpDate(1795780800000)).toBe(1795780800000);
    expect(parseErpDate('ayer')).toBeNull();
    expect(parseErpDate(undefined)).toBeNull();
  });

  it('reaches nested fields with dots', () => {
    expect(readField({ a: { b: { c: 3 } } }, 'a.b.c')).toBe(3);
    expect(readField({ a: null }, 'a.b')).toBeUndefined();
  });
});

import { DEFAULT_WAREHOUSE } from '../../shared/domain';
import type { ErpMapping } from '../../shared/erp';

// An ERP record read into the app's fields through the configured mapping. The rules are the
// article form's and the CSV import's (lengths, non-negative numbers); a record that breaks one
// is reported with the field, the ERP's name for it and the value, and becomes an ERROR row of
// the ledger, never a failed run.

export interface ArticleFields {
  codigo: string;
  nombre: string;
  /** undefined: not mapped (an existing article keeps its value). */
  material?: string | null;
  diametro?: number | null;
  unidad?: string;
  stock_minimo?: number;
}

export interface MappedArticle {
  referencia: string;
  /** The ERP's modification time, ms since the epoch; null when it has none. */
  modificado: number | null;
  fields: ArticleFields;
}

export interface MappedStock {
  /** The ledger's key: the article's ERP reference and the almacén. */
  referencia: string;
  articulo: string;
  almacen: string;
  cantidad: number;
  modificado: number | null;
}

export type Mapped<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; referencia: string | null; modificado: number | null };

const LIMITS = {
  referencia: 120,
  codigo: 64,
  nombre: 200,
  material: 200,
  unidad: 20,
  almacen: 64,
} as const;

/** A field's value; dots reach into nested objects (`Stock.Quantity`). */
export function readField(record: unknown, path: string): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  if (!path.includes('.')) return (record as Record<string, unknown>)[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

class FieldError extends Error {}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function text(value: unknown, field: string, erpName: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  let result: string;
  if (typeof value === 'string') result = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) result = String(value);
  else throw new FieldError(`«${field}» (${erpName}) no es un texto: ${describe(value)}`);
  if (result.length > max)
    throw new FieldError(`«${field}» (${erpName}) tiene más de ${max} caracteres`);
  return result === '' ? null : result;
}

function number(value: unknown, field: string, erpName: string, max: number): number | null {
  if (value === undefined || value === null || value === '') return null;
  let result: number;
  if (typeof value === 'number') result = value;
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    // SAP sends decimals as strings ("12.500"); a decimal comma alone is read as a point.
    const normalised = trimmed.includes('.') ? trimmed : trimmed.replace(',', '.');
    result = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalised) ? Number(normalised) : NaN;
  } else result = NaN;
  if (!Number.isFinite(result))
    throw new FieldError(`«${field}» (${erpName}) no es un número: ${describe(value)}`);
  if (result < 0) throw new FieldError(`«${field}» (${erpName}) es negativo: ${result}`);
  if (result > max) throw new FieldError(`«${field}» (${erpName}) es demasiado grande: ${result}`);
  return result;
}

/**
 * A modification time in the forms ERPs send: ISO 8601 (without a zone it is UTC, as OData's
 * Edm.DateTime), OData v2's `/Date(ms)/`, or ms since the epoch. Null when absent or unreadable:
 * such a record is still stored, it only does not move the watermark.
 */
export function parseErpDate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const v2 = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value.trim());
  if (v2) return Number(v2[1]);
  const iso = value.trim();
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

function required<T>(value: T | null, field: string, erpName: string): T {
  if (value === null) throw new FieldError(`Falta «${field}» (campo del ERP «${erpName}»)`);
  return value;
}

function safely<T>(
  record: unknown,
  referencia: () => string | null,
  modificado: () => number | null,
  build: () => T,
): Mapped<T> {
  try {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw new FieldError(`El registro no es un objeto: ${describe(record)}`);
    return { ok: true, value: build() };
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    let ref: string | null = null;
    let mod: number | null = null;
    try {
      ref = referencia();
      mod = modificado();
    } catch {
      // The reference itself is what is wrong.
    }
    return { ok: false, error: error.message, referencia: ref, modificado: mod };
  }
}

export function mapArticle(
  record: unknown,
  mapping: ErpMapping['articulos'],
): Mapped<MappedArticle> {
  const get = (field: keyof ErpMapping['articulos']) => {
    const name = mapping[field];
    return name ? readField(record, name) : undefined;
  };
  const referencia = () =>
    text(get('referencia'), 'referencia', mapping.referencia ?? '', LIMITS.referencia);
  const modificado = () => (mapping.modificado ? parseErpDate(get('modificado')) : null);
  return safely(record, referencia, modificado, () => {
    const fields: ArticleFields = {
      codigo: required(
        text(get('codigo'), 'código', mapping.codigo ?? '', LIMITS.codigo),
        'código',
        mapping.codigo ?? '',
      ),
      nombre: required(
        text(get('nombre'), 'nombre', mapping.nombre ?? '', LIMITS.nombre),
        'nombre',
        mapping.nombre ?? '',
      ),
    };
    if (mapping.material)
      fields.material = text(get('material'), 'material', mapping.material, LIMITS.material);
    if (mapping.diametro)
      fields.diametro = number(get('diametro'), 'diámetro', mapping.diametro, 1e9);
    if (mapping.unidad) {
      const unidad = text(get('unidad'), 'unidad', mapping.unidad, LIMITS.unidad);
      if (unidad !== null) fields.unidad = unidad;
    }
    if (mapping.stock_minimo) {
      const minimo = number(get('stock_minimo'), 'stock mínimo', mapping.stock_minimo, 1e12);
      if (minimo !== null) fields.stock_minimo = minimo;
    }
    return {
      referencia: required(referencia(), 'referencia', mapping.referencia ?? ''),
      modificado: modificado(),
      fields,
    };
  });
}

export function stockKey(articulo: string, almacen: string): string {
  return `${articulo}@${almacen}`;
}

export function mapStock(record: unknown, mapping: ErpMapping['stock']): Mapped<MappedStock> {
  const get = (field: keyof ErpMapping['stock']) => {
    const name = mapping[field];
    return name ? readField(record, name) : undefined;
  };
  const articulo = () =>
    text(get('articulo'), 'artículo', mapping.articulo ?? '', LIMITS.referencia);
  const almacen = () =>
    (mapping.almacen ? text(get('almacen'), 'almacén', mapping.almacen, LIMITS.almacen) : null) ??
    DEFAULT_WAREHOUSE;
  const modificado = () => (mapping.modificado ? parseErpDate(get('modificado')) : null);
  const referencia = () => {
    const ref = articulo();
    return ref === null ? null : stockKey(ref, almacen());
  };
  return safely(record, referencia, modificado, () => {
    const ref = required(articulo(), 'artículo', mapping.articulo ?? '');
    const warehouse = almacen();
    return {
      referencia: stockKey(ref, warehouse),
      articulo: ref,
      almacen: warehouse,
      cantidad: required(
        number(get('cantidad'), 'cantidad', mapping.cantidad ?? '', 1e12),
        'cantidad',
        mapping.cantidad ?? '',
      ),
      modificado: modificado(),
    };
  });
}

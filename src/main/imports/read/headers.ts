import { AppError } from '../../../shared/errors';
import { IMPORT_FIELDS } from '../../../shared/imports';
import type { ImportField, ImportKind } from '../types';

// Column headers as people write them ("Código", "Diámetro (mm)", "Stock mín.", "SKU") matched to
// the import's fields. Matching compares normalised names (see normalizeHeader) against aliases.

const REQUIRED_BY_KIND: Record<ImportKind, readonly ImportField[]> = {
  articulos: ['codigo', 'nombre'],
  // The almacén is required too: a stock count without its almacén cannot be applied safely, and
  // a file with one almacén can carry it in a column as easily as a default could.
  stock: ['codigo', 'almacen', 'cantidad'],
};

/** The field as the staff read it, for messages. */
export const FIELD_LABELS: Record<ImportField, string> = {
  codigo: 'código',
  nombre: 'nombre',
  material: 'material',
  diametro: 'diámetro',
  unidad: 'unidad',
  stock_minimo: 'stock mínimo',
  referencia_externa: 'referencia externa',
  almacen: 'almacén',
  cantidad: 'cantidad',
};

/**
 * Aliases per field, already normalised, best first: when two columns match the same field, the
 * one matching the earlier alias wins (`Código` over `Referencia`).
 */
const ALIASES: Record<ImportField, readonly string[]> = {
  codigo: [
    'codigo',
    'cod',
    'codigoarticulo',
    'articulocodigo',
    'codarticulo',
    'codart',
    'sku',
    'ref',
    'referenciainterna',
    'refinterna',
    'codigointerno',
    'codigoproducto',
    'codproducto',
    'code',
    'itemcode',
    'referencia',
    'articulo',
  ],
  nombre: [
    'nombre',
    'descripcion',
    'denominacion',
    'nombrearticulo',
    'descripcionarticulo',
    'desc',
    'name',
    'description',
  ],
  material: ['material', 'materiales', 'materia'],
  diametro: ['diametro', 'diametromm', 'diam', 'ø', 'ømm', 'diametronominal', 'dn', 'diameter'],
  unidad: [
    'unidad',
    'unidaddemedida',
    'unidadmedida',
    'ud',
    'uds',
    'um',
    'udm',
    'unid',
    'und',
    'un',
    'unit',
    'uom',
  ],
  stock_minimo: [
    'stockminimo',
    'stockmin',
    'minimo',
    'min',
    'minstock',
    'existenciaminima',
    'cantidadminima',
  ],
  referencia_externa: [
    'referenciaexterna',
    'refexterna',
    'referp',
    'referenciaerp',
    'codigoerp',
    'coderp',
    'codigoexterno',
    'idexterno',
    'iderp',
  ],
  almacen: [
    'almacen',
    'codigoalmacen',
    'codalmacen',
    'nombrealmacen',
    'bodega',
    'ubicacion',
    'deposito',
    'warehouse',
  ],
  cantidad: [
    'cantidad',
    'stock',
    'existencias',
    'existencia',
    'stockactual',
    'cantidadactual',
    'unidades',
    'uds',
    'cant',
    'qty',
    'quantity',
  ],
};

/**
 * The comparable form of a header: no accents, case, spaces, punctuation or units in brackets;
 * `Diámetro (mm)`, `diametro` and `DIÁMETRO` are all `diametro`, `Stock_mín.` is `stockmin`.
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, '')
    .replace(/[^a-z0-9ø]+/g, '');
}

export function requiredFields(kind: ImportKind): readonly ImportField[] {
  return REQUIRED_BY_KIND[kind];
}

export interface ColumnMatch {
  /** Field → column index, or null when no column is imported for it. */
  mapping: Partial<Record<ImportField, number | null>>;
  missingRequired: ImportField[];
  unmappedHeaders: string[];
}

/**
 * Maps the kind's fields to columns: first the user's choices (`overrides`: field → header as
 * written, or null to skip the field), then each remaining field to the best-matching column
 * not already taken.
 */
export function matchColumns(
  kind: ImportKind,
  headers: readonly string[],
  overrides: Partial<Record<ImportField, string | null>> = {},
): ColumnMatch {
  const fields = IMPORT_FIELDS[kind];
  const normalized = headers.map(normalizeHeader);
  const taken = new Set<number>();
  const mapping: Partial<Record<ImportField, number | null>> = {};

  for (const field of fields) {
    const wanted = overrides[field];
    if (wanted === undefined) continue;
    if (wanted === null) {
      mapping[field] = null;
      continue;
    }
    const index = findHeader(headers, normalized, wanted);
    if (index === -1) {
      throw new AppError(
        'VALIDATION',
        `La columna «${wanted}» indicada para ${FIELD_LABELS[field]} no está en el archivo. ` +
          `Columnas del archivo: ${headers.map((h) => `«${h}»`).join(', ')}.`,
        { [field]: `No existe la columna «${wanted}»` },
      );
    }
    if (taken.has(index)) {
      throw new AppError(
        'VALIDATION',
        `La columna «${headers[index]}» está asignada a dos campos; cada columna puede ir a un solo campo.`,
        { [field]: `Columna repetida: «${headers[index]}»` },
      );
    }
    mapping[field] = index;
    taken.add(index);
  }

  for (const field of fields) {
    if (field in mapping) continue;
    const aliases = ALIASES[field];
    let best = -1;
    let bestRank = Infinity;
    normalized.forEach((name, index) => {
      if (taken.has(index)) return;
      const rank = aliases.indexOf(name);
      if (rank !== -1 && rank < bestRank) {
        best = index;
        bestRank = rank;
      }
    });
    mapping[field] = best === -1 ? null : best;
    if (best !== -1) taken.add(best);
  }

  return {
    mapping,
    missingRequired: REQUIRED_BY_KIND[kind].filter((field) => mapping[field] === null),
    // A blank header (Excel's trailing `;`) is not a column anyone meant to import.
    unmappedHeaders: headers.filter((h, index) => !taken.has(index) && h.trim() !== ''),
  };
}

/** The header as written, else the one that normalises the same (`codigo` finds `Código`). */
function findHeader(headers: readonly string[], normalized: readonly string[], wanted: string) {
  const exact = headers.indexOf(wanted);
  if (exact !== -1) return exact;
  const trimmed = headers.findIndex((h) => h.trim() === wanted.trim());
  if (trimmed !== -1) return trimmed;
  const key = normalizeHeader(wanted);
  return key === '' ? -1 : normalized.indexOf(key);
}

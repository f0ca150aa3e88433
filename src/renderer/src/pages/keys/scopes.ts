import { API_SCOPES, type ApiScope } from '../../../../shared/domain';

/**
 * How each scope is presented. i18next reads ':' as its namespace separator, so the texts are
 * keyed by a name without it. Read scopes only look; write scopes change data other people rely
 * on; `aprobar` changes the stock without anyone in the warehouse reviewing it.
 */
export const SCOPE_INFO = {
  'articulos:read': { key: 'articulosRead', kind: 'read' },
  'articulos:write': { key: 'articulosWrite', kind: 'write' },
  'stock:read': { key: 'stockRead', kind: 'read' },
  'movimientos:read': { key: 'movimientosRead', kind: 'read' },
  'movimientos:write': { key: 'movimientosWrite', kind: 'write' },
  'movimientos:aprobar': { key: 'movimientosAprobar', kind: 'approve' },
  'reportes:read': { key: 'reportesRead', kind: 'read' },
} as const satisfies Record<ApiScope, { key: string; kind: 'read' | 'write' | 'approve' }>;

export const SCOPE_COLORS = { read: 'gray', write: 'orange', approve: 'red' } as const;

/** In the order the form lists them: what a key can read first, then what it can change. */
export const SCOPES_IN_FORM_ORDER: ApiScope[] = [
  ...API_SCOPES.filter((scope) => SCOPE_INFO[scope].kind === 'read'),
  ...API_SCOPES.filter((scope) => SCOPE_INFO[scope].kind !== 'read'),
];

export function sortScopes(scopes: readonly ApiScope[]): ApiScope[] {
  return SCOPES_IN_FORM_ORDER.filter((scope) => scopes.includes(scope));
}

import {
  ERP_ARTICLE_FIELDS,
  ERP_PROFILE_DEFAULTS,
  ERP_STOCK_FIELDS,
  DEFAULT_ERP_OVERLAP_SECONDS,
  DEFAULT_ERP_PAGE_SIZE,
  DEFAULT_ERP_SCHEDULE_SECONDS,
  DEFAULT_ERP_TIMEOUT_MS,
  type ErpArticleField,
  type ErpAuthKind,
  type ErpConfigInput,
  type ErpConfigView,
  type ErpPagination,
  type ErpPaths,
  type ErpProfile,
  type ErpStockField,
} from '../../../../shared/erp';
import { nullableNumber, type NumberFieldValue } from '../../forms';

// The ERP form's state and how it becomes the core's input (ErpConfigInput). Secrets are never
// in the state unless typed: the saved one is kept by leaving it out.

const DEFAULT_PARAMETERS = { pagina: 'page', limite: 'limit', desde: 'modificado_desde' };

export interface ErpFormState {
  url: string;
  perfil: ErpProfile;
  authTipo: ErpAuthKind;
  /** Basic's user, or the header's name for `cabecera`. */
  usuario: string;
  cabecera: string;
  /** The secret being typed (token, password or header value); '' keeps the saved one. */
  secreto: string;
  rutas: ErpPaths;
  paginacion: ErpPagination;
  tamano_pagina: NumberFieldValue;
  mapeo: {
    articulos: Record<ErpArticleField, string>;
    stock: Record<ErpStockField, string>;
  };
  parametros: { pagina: string; limite: string; desde: string };
  cada_segundos: NumberFieldValue;
  activo: boolean;
  solapamiento_segundos: NumberFieldValue;
  timeout_segundos: NumberFieldValue;
}

function mappingText<F extends string>(fields: readonly F[], mapping: Record<F, string | null>) {
  return Object.fromEntries(fields.map((f) => [f, mapping[f] ?? ''])) as Record<F, string>;
}

/** What a profile starts from: its paths, paging and field names. */
export function profileDefaults(
  perfil: ErpProfile,
): Pick<ErpFormState, 'rutas' | 'paginacion' | 'mapeo'> {
  const defaults = ERP_PROFILE_DEFAULTS[perfil];
  return {
    rutas: { ...defaults.rutas },
    paginacion: defaults.paginacion,
    mapeo: {
      articulos: mappingText(ERP_ARTICLE_FIELDS, defaults.mapeo.articulos),
      stock: mappingText(ERP_STOCK_FIELDS, defaults.mapeo.stock),
    },
  };
}

export function formFromView(view: ErpConfigView | null): ErpFormState {
  if (!view) {
    return {
      url: '',
      perfil: 'rest',
      authTipo: 'bearer',
      usuario: '',
      cabecera: '',
      secreto: '',
      ...profileDefaults('rest'),
      tamano_pagina: DEFAULT_ERP_PAGE_SIZE,
      parametros: { ...DEFAULT_PARAMETERS },
      cada_segundos: DEFAULT_ERP_SCHEDULE_SECONDS,
      activo: true,
      solapamiento_segundos: DEFAULT_ERP_OVERLAP_SECONDS,
      timeout_segundos: DEFAULT_ERP_TIMEOUT_MS / 1000,
    };
  }
  return {
    url: view.url,
    perfil: view.perfil,
    authTipo: view.autenticacion.tipo,
    usuario: view.autenticacion.usuario ?? '',
    cabecera: view.autenticacion.nombre ?? '',
    secreto: '',
    rutas: { ...view.rutas },
    paginacion: view.paginacion,
    tamano_pagina: view.tamano_pagina,
    mapeo: {
      articulos: mappingText(ERP_ARTICLE_FIELDS, view.mapeo.articulos),
      stock: mappingText(ERP_STOCK_FIELDS, view.mapeo.stock),
    },
    parametros: { ...view.parametros },
    cada_segundos: view.cada_segundos,
    activo: view.activo,
    solapamiento_segundos: view.solapamiento_segundos,
    timeout_segundos: view.timeout_ms / 1000,
  };
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
// A number left empty goes as NaN, so the core names the field instead of taking a default.
const numberOr = (value: NumberFieldValue) => nullableNumber(value) ?? Number.NaN;

/** The form as the core's input; `secreto` goes only when typed (else the saved one is kept). */
export function inputFromForm(form: ErpFormState): ErpConfigInput {
  const secret = form.secreto === '' ? undefined : form.secreto;
  const autenticacion: ErpConfigInput['autenticacion'] =
    form.authTipo === 'ninguna'
      ? { tipo: 'ninguna' }
      : form.authTipo === 'bearer'
        ? { tipo: 'bearer', ...(secret === undefined ? {} : { token: secret }) }
        : form.authTipo === 'basic'
          ? {
              tipo: 'basic',
              usuario: form.usuario,
              ...(secret === undefined ? {} : { clave: secret }),
            }
          : {
              tipo: 'cabecera',
              nombre: form.cabecera,
              ...(secret === undefined ? {} : { valor: secret }),
            };
  return {
    url: form.url,
    perfil: form.perfil,
    autenticacion,
    rutas: form.rutas,
    paginacion: form.perfil === 'odata' ? 'odata' : form.paginacion,
    tamano_pagina: numberOr(form.tamano_pagina),
    mapeo: {
      articulos: Object.fromEntries(
        ERP_ARTICLE_FIELDS.map((f) => [f, orNull(form.mapeo.articulos[f])]),
      ),
      stock: Object.fromEntries(ERP_STOCK_FIELDS.map((f) => [f, orNull(form.mapeo.stock[f])])),
    },
    ...(form.perfil === 'rest' ? { parametros: form.parametros } : {}),
    cada_segundos: numberOr(form.cada_segundos),
    activo: form.activo,
    solapamiento_segundos: numberOr(form.solapamiento_segundos),
    timeout_ms: Math.round(numberOr(form.timeout_segundos) * 1000),
  };
}

/** The secret field's name in the core's validation details, by kind of authentication. */
export function secretField(tipo: ErpAuthKind): string | null {
  return tipo === 'bearer'
    ? 'autenticacion.token'
    : tipo === 'basic'
      ? 'autenticacion.clave'
      : tipo === 'cabecera'
        ? 'autenticacion.valor'
        : null;
}

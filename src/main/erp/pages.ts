import type { IncomingHttpHeaders } from 'node:http';
import type { ErpPagination } from '../../shared/erp';
import type { ErpConnector } from './config';
import { ErpRequestError, type ErpAnswer, type ErpHttp } from './http';

// Reading a list from the ERP page by page, whichever way it pages:
// - `pagina`: page numbers (`?page=N&limit=M`, names configurable) until a page comes back empty
//   or shorter than the full ones (or 404 past the end, as Django REST Framework answers);
// - `siguiente`: a `next` URL in the body (DRF's envelope) until it is null;
// - `enlace`: the `Link: <…>; rel="next"` header (RFC 8288) until there is none;
// - `odata`: `$top`/`$skip` windows, following each window's `@odata.nextLink` as an opaque URL
//   when the server pages by itself (SAP does, with `$skiptoken`);
// - `auto` (REST): decided from the first answer — a Link header, then a next link in the body,
//   else page numbers.
// The next page is requested while the caller applies the current one (one page ahead).

export type ErpEntity = 'articulos' | 'stock';

export interface ErpPage {
  /** 1-based. */
  numero: number;
  url: string;
  registros: unknown[];
  paginacion: ErpPagination;
  /** The ERP's clock when it answered. */
  date: Date | null;
}

export interface PageReadOptions {
  http: ErpHttp;
  connector: ErpConnector;
  entity: ErpEntity;
  /** Records modified at or after this time (the watermark less the overlap); null: all. */
  since: Date | null;
  /** A smaller first page (the preview); the reading stops after it. */
  onlyFirst?: number;
  signal?: AbortSignal | undefined;
  simulacion?: boolean;
}

const LIST_KEYS = ['results', 'value', 'data', 'items', 'registros', 'resultados'];
const NEXT_KEYS = ['next', '@odata.nextLink', 'siguiente', 'nextLink', 'odata.nextLink'];
const MAX_PAGES = 1_000_000;

export const ENTITY_WORDS: Record<ErpEntity, string> = { articulos: 'artículos', stock: 'stock' };

/** The records of a list answer: the body itself, or its list under a usual key. */
export function recordsOf(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (typeof json !== 'object' || json === null) return null;
  const body = json as Record<string, unknown>;
  for (const key of LIST_KEYS) if (Array.isArray(body[key])) return body[key] as unknown[];
  // OData v2 (SAP Gateway): { d: { results: [...] } }.
  if (typeof body.d === 'object' && body.d !== null) return recordsOf(body.d);
  const arrays = Object.values(body).filter(Array.isArray);
  return arrays.length === 1 ? (arrays[0] as unknown[]) : null;
}

/** A next link from the body (absolute or relative to the page), if it has one. */
export function bodyNext(json: unknown, base: string): { present: boolean; url: string | null } {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { present: false, url: null };
  const body = json as Record<string, unknown>;
  const holder =
    typeof body.d === 'object' && body.d !== null && !Array.isArray(body.d)
      ? { ...body, ...(body.d as Record<string, unknown>) }
      : body;
  for (const key of [...NEXT_KEYS, '__next']) {
    if (!(key in holder)) continue;
    const value = holder[key];
    if (typeof value === 'string' && value.trim() !== '')
      return { present: true, url: new URL(value, base).toString() };
    return { present: true, url: null };
  }
  return { present: false, url: null };
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page's URL. */
export function linkNext(headers: IncomingHttpHeaders, base: string): string | null {
  const raw = headers.link;
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  if (!value) return null;
  for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?(?:[^";,]*\s)?next(?:\s[^";,]*)?"?/i.test(params)) {
      return new URL(match[1]!, base).toString();
    }
  }
  return null;
}

/** Joins the base URL and a path that may carry its own query (`/api/articulos?ordering=id`). */
export function entityUrl(base: string, path: string): URL {
  return new URL(base.replace(/\/+$/, '') + path);
}

/** An OData v4 DateTimeOffset literal (no quotes). */
function odataDate(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

function firstUrl(options: PageReadOptions, size: number): URL {
  const { connector, entity, since } = options;
  const url = entityUrl(connector.url, connector.rutas[entity]);
  if (connector.perfil === 'odata') {
    const modified = connector.mapeo[entity].modificado;
    const keys =
      entity === 'articulos'
        ? [connector.mapeo.articulos.referencia]
        : [connector.mapeo.stock.articulo, connector.mapeo.stock.almacen];
    if (since && modified) url.searchParams.set('$filter', `${modified} ge ${odataDate(since)}`);
    // A stable order (by key): a record changed while the run reads does not move between pages.
    const orderBy = keys.filter((k): k is string => Boolean(k)).map((k) => k.replace(/\./g, '/'));
    if (orderBy.length > 0) url.searchParams.set('$orderby', orderBy.join(','));
    url.searchParams.set('$top', String(size));
    url.searchParams.set('$skip', '0');
    return url;
  }
  const { pagina, limite, desde } = connector.parametros;
  if (since) url.searchParams.set(desde, since.toISOString());
  if (connector.paginacion === 'auto' || connector.paginacion === 'pagina')
    url.searchParams.set(pagina, '1');
  url.searchParams.set(limite, String(size));
  return url;
}

/**
 * Reads the pages of one entity's list. The generator yields each page once it has been read and
 * has started reading the next one; a failed page throws (after the HTTP client's retries).
 */
export async function* readPages(options: PageReadOptions): AsyncGenerator<ErpPage> {
  const { http, connector, entity, signal } = options;
  const size = options.onlyFirst ?? connector.tamano_pagina;
  const words = ENTITY_WORDS[entity];
  const odata = connector.perfil === 'odata';
  const headers: Record<string, string> = odata
    ? {
        accept: 'application/json;odata.metadata=minimal',
        'odata-version': '4.0',
        prefer: `odata.maxpagesize=${size}`,
      }
    : {};

  let style: ErpPagination = odata ? 'odata' : connector.paginacion;
  const seen = new Set<string>();
  // Page numbers: the largest page so far (a shorter one is the last) and the page number.
  let fullSize = 0;
  let pageNumber = 1;
  let previousFirst: string | null = null;
  // OData windows: where this one started and how many records it has had.
  let windowStart = 0;
  let windowCount = 0;

  const fetchPage = (url: string, numero: number) => {
    if (seen.has(url)) {
      return Promise.reject(
        new ErpRequestError(
          'respuesta',
          `El ERP devolvió otra vez la misma página de ${words} (${url}): la paginación no avanza.`,
        ),
      );
    }
    seen.add(url);
    return http.call({
      method: 'GET',
      url,
      what: `la página ${numero} de ${words}`,
      headers,
      signal,
      simulacion: options.simulacion,
      // Past the last page, DRF answers 404 "Página inválida".
      accept: numero > 1 && style === 'pagina' ? [404] : undefined,
      summarize: (json) => ({ registros: recordsOf(json)?.length ?? null }),
    });
  };

  let url = firstUrl(options, size).toString();
  let pending: Promise<ErpAnswer> | null = fetchPage(url, 1);
  for (let numero = 1; pending && numero <= MAX_PAGES; numero++) {
    const answer: ErpAnswer = await pending;
    pending = null;
    if (answer.status === 404) return; // page numbers past the end
    const registros = recordsOf(answer.json);
    if (!registros) {
      throw new ErpRequestError(
        'respuesta',
        `La página ${numero} de ${words} no trae una lista de registros (se busca la respuesta como lista, o bajo ${LIST_KEYS.join(', ')}). Revise la ruta en la configuración del ERP.`,
      );
    }

    if (style === 'auto') {
      if (linkNext(answer.headers, url) !== null) style = 'enlace';
      else if (bodyNext(answer.json, url).present) style = 'siguiente';
      else style = 'pagina';
    }

    let next: string | null = null;
    switch (style) {
      case 'enlace':
        next = linkNext(answer.headers, url);
        break;
      case 'siguiente':
        next = bodyNext(answer.json, url).url;
        break;
      case 'pagina': {
        // A server that ignores the page parameter answers the first page again and again.
        const first = registros.length > 0 ? JSON.stringify(registros[0]) : null;
        if (first !== null && first === previousFirst) {
          throw new ErpRequestError(
            'respuesta',
            `La página ${numero} de ${words} empieza por el mismo registro que la anterior: el ERP no atiende el parámetro «${connector.parametros.pagina}». Elija la paginación que use (o el nombre de su parámetro) en la configuración del ERP.`,
          );
        }
        previousFirst = first;
        fullSize = Math.max(fullSize, registros.length);
        if (registros.length > 0 && registros.length >= fullSize) {
          const following = new URL(url);
          following.searchParams.set(connector.parametros.pagina, String(++pageNumber));
          next = following.toString();
        }
        break;
      }
      case 'odata': {
        windowCount += registros.length;
        const link = bodyNext(answer.json, url).url;
        if (link) next = link;
        else if (windowCount >= size && registros.length > 0) {
          // The window is full: the next one starts after it.
          windowStart += windowCount;
          windowCount = 0;
          const following = firstUrl(options, size);
          following.searchParams.set('$skip', String(windowStart));
          next = following.toString();
        }
        break;
      }
    }
    if (options.onlyFirst !== undefined) next = null;

    const page: ErpPage = { numero, url, registros, paginacion: style, date: answer.date };
    if (next !== null) {
      url = next;
      pending = fetchPage(next, numero + 1);
      // Not awaited until the caller asks for the next page; a rejection is handled then.
      pending.catch(() => {});
    }
    yield page;
  }
}

import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../src/shared/domain';
import { makeTestCore } from '../fixtures/core';

// The OpenAPI document is generated from the route schemas; this checks that what integrators
// download is a valid OpenAPI 3.1 document and says what the API really does: every route, its
// key and scope, and problem+json errors.

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is JSON of many shapes */
type Json = any;

interface Route {
  method: 'get' | 'post';
  path: string;
  /** The scope the route needs; null for the public ones. */
  scope: ApiScope | null;
  success: string;
  /** Error statuses the route must document, beyond the authentication ones. */
  errors: string[];
}

const ROUTES: Route[] = [
  { method: 'get', path: '/api/health', scope: null, success: '200', errors: [] },
  {
    method: 'get',
    path: '/api/external/articulos/',
    scope: 'articulos:read',
    success: '200',
    errors: ['404'],
  },
  {
    method: 'post',
    path: '/api/external/articulos/',
    scope: 'articulos:write',
    success: '201',
    errors: ['409', '413', '415', '422'],
  },
  {
    method: 'get',
    path: '/api/external/articulos/{id}/',
    scope: 'articulos:read',
    success: '200',
    errors: ['404'],
  },
  {
    method: 'get',
    path: '/api/external/stock/',
    scope: 'stock:read',
    success: '200',
    errors: ['404'],
  },
  {
    method: 'get',
    path: '/api/external/movimientos/',
    scope: 'movimientos:read',
    success: '200',
    errors: ['404'],
  },
  {
    method: 'post',
    path: '/api/external/movimientos/',
    scope: 'movimientos:write',
    success: '201',
    errors: ['409', '413', '415', '422'],
  },
  {
    method: 'post',
    path: '/api/external/movimientos/{id}/aprobar/',
    scope: 'movimientos:aprobar',
    success: '200',
    errors: ['404', '409'],
  },
  {
    method: 'get',
    path: '/api/external/reportes/',
    scope: 'reportes:read',
    success: '200',
    errors: [],
  },
  {
    method: 'get',
    path: '/api/reportes/integraciones/',
    scope: 'reportes:read',
    success: '200',
    errors: [],
  },
];
const AUTH_ERRORS = ['400', '401', '403', '429'];
const PROBLEM_TYPE = 'application/problem+json';

/** Follows a local `$ref` ("#/components/schemas/X"); anything else is returned as is. */
function deref(doc: Json, node: Json): Json {
  if (!node || typeof node.$ref !== 'string') return node;
  expect(node.$ref, 'only local references').toMatch(/^#\//);
  const target = node.$ref
    .slice(2)
    .split('/')
    .reduce((at: Json, part: string) => at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  expect(target, `${node.$ref} resolves`).toBeDefined();
  return deref(doc, target);
}

/** Every `$ref` anywhere in the document. */
function refs(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refs(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('OpenAPI document of the external API', () => {
  let core: TestCore;
  let base: string;
  let doc: Json;

  beforeAll(async () => {
    core = await makeTestCore();
    await core.start({ api: { host: '127.0.0.1', port: 0, required: true } });
    base = `http://127.0.0.1:${core.apiStatus().port}`;
    const response = await fetch(`${base}/api/external/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await response.json();
  });

  afterAll(async () => {
    await core?.cleanup();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.info.description).toMatch(/ApiKey/);
    // The validator does reject a broken document (so the pass above means something).
    const broken = { ...doc, paths: { '/x': { get: { responses: { 200: {} } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('resolves every $ref inside the document', () => {
    const all = [...new Set(refs(doc))];
    expect(all.length).toBeGreaterThan(0);
    for (const ref of all) deref(doc, { $ref: ref });
  });

  it('declares the ApiKey scheme: the Authorization header', () => {
    expect(doc.components.securitySchemes.ApiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    expect(doc.components.securitySchemes.ApiKey.description).toMatch(/ApiKey <clave>/);
  });

  it('documents exactly the routes of the API', () => {
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort(),
    );
    // Every scope a key can be given is needed by some route.
    expect(new Set(ROUTES.map((r) => r.scope).filter(Boolean))).toEqual(new Set(API_SCOPES));
  });

  it.each(ROUTES.filter((r) => r.scope))(
    '$method $path: requires an API key and documents its problems',
    (route) => {
      const op = doc.paths[route.path][route.method];
      expect(op.security).toEqual([{ ApiKey: [] }]);
      expect(op.summary, 'a summary for the docs page').toEqual(expect.any(String));
      expect(op.tags).toHaveLength(1);
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining([route.success, ...AUTH_ERRORS, ...route.errors]),
      );
      const success = deref(doc, op.responses[route.success]);
      expect(Object.keys(success.content)).toEqual(['application/json']);
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        const content = deref(doc, response).content;
        // The wire sends problem+json; a client generated from the document must expect it.
        expect(Object.keys(content), `${status} media type`).toEqual([PROBLEM_TYPE]);
        const schema = deref(doc, content[PROBLEM_TYPE].schema);
        expect(schema.required).toEqual(
          expect.arrayContaining(['type', 'title', 'status', 'detail']),
        );
        expect(Object.keys(schema.properties)).toEqual(
          expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'errors']),
        );
      }
      for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(op.parameters).toContainEqual(
          expect.objectContaining({ in: 'path', name: match[1], required: true }),
        );
      }
    },
  );

  it('documents the public routes without security', () => {
    const health = doc.paths['/api/health'].get;
    expect(health.security ?? []).toEqual([]);
    expect(deref(doc, health.responses['200'].content['application/json'].schema)).toMatchObject({
      required: expect.arrayContaining(['estado', 'version', 'fecha']),
    });
    // The document and the docs page are served, not documented as operations.
    expect(doc.paths['/api/external/openapi.json']).toBeUndefined();
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/api/external/docs'))).toEqual(
      [],
    );
  });

  it('documents list paging, filters and bodies as the schemas enforce them', () => {
    const params = (path: string) =>
      Object.fromEntries(
        (doc.paths[path].get.parameters as Json[])
          .filter((p) => p.in === 'query')
          .map((p) => [p.name, p.schema]),
      );
    for (const path of [
      '/api/external/articulos/',
      '/api/external/stock/',
      '/api/external/movimientos/',
    ]) {
      const query = params(path);
      expect(query.page_size, path).toMatchObject({ default: 50, maximum: 500 });
      expect(query.page, path).toMatchObject({ default: 1, minimum: 1 });
      const page = deref(
        doc,
        doc.paths[path].get.responses['200'].content['application/json'].schema,
      );
      expect(page.required).toEqual(
        expect.arrayContaining(['count', 'next', 'previous', 'results']),
      );
      expect(page.properties.results.type).toBe('array');
    }
    expect(Object.keys(params('/api/external/articulos/'))).toEqual(
      expect.arrayContaining(['texto', 'material', 'actualizado_desde']),
    );
    expect(Object.keys(params('/api/external/stock/'))).toEqual(
      expect.arrayContaining(['articulo', 'almacen', 'bajo_minimo']),
    );
    expect(Object.keys(params('/api/external/movimientos/'))).toEqual(
      expect.arrayContaining(['estado', 'tipo', 'articulo', 'desde', 'hasta']),
    );
    expect(Object.keys(params('/api/external/reportes/'))).toEqual(['desde', 'hasta']);
    expect(Object.keys(params('/api/reportes/integraciones/'))).toEqual(['desde', 'hasta']);

    const body = (path: string) =>
      deref(doc, doc.paths[path].post.requestBody.content['application/json'].schema);
    expect(body('/api/external/articulos/').required).toEqual(
      expect.arrayContaining(['codigo', 'nombre']),
    );
    expect(body('/api/external/movimientos/')).toMatchObject({
      required: expect.arrayContaining(['tipo', 'articulo', 'cantidad']),
      properties: { tipo: { enum: ['ENTRADA', 'SALIDA', 'AJUSTE'] } },
    });
  });

  it('documents only routes that answer: each one without a key is 401 (or 200 if public)', async () => {
    for (const route of ROUTES) {
      const path = route.path.replace('{id}', '1');
      const response = await fetch(`${base}${path}`, {
        method: route.method.toUpperCase(),
        ...(route.method === 'post'
          ? { headers: { 'content-type': 'application/json' }, body: '{}' }
          : {}),
      });
      await response.arrayBuffer();
      expect(response.status, `${route.method} ${path}`).toBe(route.scope ? 401 : 200);
    }
  });

  it('serves the docs page (Swagger UI) without a key', async () => {
    const response = await fetch(`${base}/api/external/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/swagger/i);
  });
});

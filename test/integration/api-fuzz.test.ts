import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_LIMITS } from '../../src/main/api/auth';
import { makeTestCore } from '../fixtures/core';

// Malformed requests, generated from a fixed seed, sent over a real loopback socket to the real
// API. Whatever arrives, the API must answer with a problem+json (never a 5xx, a stack trace or a
// file from disk), keep answering, and leave the inventory untouched.

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

const SEED = 0x6a51f00d;
const GENERATED = 1_100;
const CONCURRENCY = 10;
const ACTOR = 'ui:test';

/** mulberry32: small, fast and deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

interface Case {
  /** What the case is about, for the failure report. */
  label: string;
  method: string;
  path: string;
  /** Flat [name, value, name, value…] so a header can repeat. */
  headers: string[];
  body?: string | Buffer | (() => Readable);
  /** Bodies above the limit: the server may close the socket while the client still uploads. */
  oversized?: boolean;
  /** Only for GET lists searched with SQL/LIKE meta-characters: a 200 must find nothing. */
  literalSearch?: boolean;
}

interface Outcome {
  status: number | string;
  contentType: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

// Values that have broken parsers, coercions and SQL builders elsewhere.
const NASTY: readonly string[] = [
  "' OR 1=1 --",
  "'; DROP TABLE articles; --",
  '" OR ""="',
  '1; SELECT * FROM api_keys',
  '%',
  '%%',
  '_',
  '__',
  '\\',
  '\\%',
  '%_\\',
  '*',
  '\u0000',
  'a\u0000b',
  '😀',
  '\u202eRTL',
  'ñandú',
  '\ud800',
  'NaN',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'Infinity',
  '-Infinity',
  '1.5',
  '0x10',
  '1e3',
  '9007199254740993',
  '99999999999999999999999999999',
  ' 1',
  '',
  ' ',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  'x'.repeat(5_000),
];
/** What an HTTP client can put in a header value at all (latin1, no control characters). */
const HEADER_SAFE_NASTY = NASTY.filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v));
/** Search strings that match nothing in the seeded inventory if taken literally. */
const LIKE_META = ["' OR 1=1 --", '%', '%%', '_', '__', '\\', '\\%', '%_\\', "'"];
const WEIRD_NUMBERS: readonly unknown[] = [
  '1',
  '-1',
  'NaN',
  'Infinity',
  '1e309',
  '',
  -1,
  -0.5,
  1e308,
  1e13,
  2 ** 53 + 2,
  null,
  true,
  [],
  {},
  [1],
];

/** Percent-encodes like a browser, but lets lone surrogates through as invalid UTF-8. */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^A-Za-z0-9]/g, (c) =>
      /[\ud800-\udfff]/.test(c)
        ? '%ED%A0%80'
        : encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16)}`),
    );
  }
}

const LISTS = {
  '/api/external/articulos/': ['texto', 'material', 'actualizado_desde', 'page', 'page_size'],
  '/api/external/stock/': ['articulo', 'almacen', 'bajo_minimo', 'page', 'page_size'],
  '/api/external/movimientos/': [
    'estado',
    'tipo',
    'articulo',
    'desde',
    'hasta',
    'page',
    'page_size',
  ],
  '/api/external/reportes/': ['desde', 'hasta'],
  '/api/reportes/integraciones/': ['desde', 'hasta'],
} as const;
const UNKNOWN_PARAMS = [
  'foo',
  'page[]',
  'texto[a]',
  '__proto__',
  'constructor',
  'ordering',
  'format',
  'PAGE',
  '',
  'a'.repeat(300),
];
const ODD_IDS = [
  '-1',
  '0',
  'abc',
  '1.5',
  'NaN',
  '%00',
  '1%20OR%201=1',
  '%27',
  '1;DROP',
  '..%2f..%2fetc%2fpasswd',
  '%F0%9F%98%80',
  '9'.repeat(30),
  '1'.repeat(200),
  '1'.repeat(201),
  '7'.repeat(1_000),
  '-9007199254740993',
  'null',
  '%20',
  '1e400',
];
const TRAVERSALS = [
  '/api/external/../../etc/passwd',
  '/api/external/%2e%2e/%2e%2e/etc/passwd',
  '/api/external/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '/api/external/..%2f..%2fetc%2fpasswd',
  '/api/external/..%5c..%5cetc%5cpasswd',
  '/api/external/....//....//etc/passwd',
  '//api/external/articulos/',
  '/api/external//articulos/',
  '/api//health',
  '/api/health/../external/articulos/',
  '/api/external/articulos/%2e%2e/',
  '/api/external/docs/../../../etc/passwd',
  '/api/external/docs/%2e%2e/%2e%2e/%2e%2e/package.json',
  '/api/external/docs/static/..%2f..%2f..%2fpackage.json',
  '/api/external/docs/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/api/external/docs/static/%00',
  '/api/external/docs/json/..',
  '/api/external/openapi.json/..',
  '/api/external/articulos/;/',
  '/api/external/articulos/%00/',
  '/api/external/%00',
  '/api/external/articulos/\\..\\..\\etc\\passwd',
  '/..',
  '/%2e%2e',
  '/%',
  '/%zz',
  '/api/external/articulos/%/',
  '/api/external/articulos/%E0%A4%A/',
  '/etc/passwd',
  '/package.json',
  '/.env',
  '/data/gsih.db',
];
const BAD_AUTH = (valid: string) => [
  '',
  ' ',
  'ApiKey',
  'ApiKey ',
  `Bearer ${valid}`,
  `Token ${valid}`,
  `ApiKey ${valid} extra`,
  `ApiKey ${valid.slice(0, -1)}`,
  `ApiKey ${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
  `ApiKey ${valid}${valid}`,
  `ApiKey ${'gsih_sk_'.padEnd(valid.length, 'x')}`,
  `ApiKey ${'A'.repeat(8_000)}`,
  'ApiKey ñ\u00ff\u00e9',
  "ApiKey ' OR 1=1 --",
  'ApiKey %00',
  'Basic dXNlcjpwYXNz',
  'ApiKey\tApiKey',
  'null',
  'undefined',
];
const BAD_IDEMPOTENCY = ['', ' ', 'a b', 'x'.repeat(256), 'ñ', 'k\u00ff', 'z'.repeat(8_000), '\t'];
const BAD_HOSTS = [
  'exa mple',
  'a:99999',
  'a:-1',
  'a:port',
  '[zz]',
  'évil',
  'a/b?c#d',
  'user@evil.com',
  'x'.repeat(300),
];
/** Not JSON: a body that would be valid as JSON must still be refused under these. */
const NOT_JSON_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/jsonx',
  ';;;',
  '',
  'json',
  '*/*',
];
/** JSON with odd parameters: only sent with bodies that are not valid JSON. */
const ODD_JSON_TYPES = [
  'application/json; charset=utf-16',
  'application/json; charset=',
  'application/json, text/plain',
  'APPLICATION/JSON',
  'application/json;;',
];
const INVALID_JSON = [
  '{bad',
  "{'a': 1}",
  '{"a":1,}',
  '[1,2',
  'NaN',
  'Infinity',
  'undefined',
  '{"a":1}garbage',
  '\ufeff{"codigo":"A"',
  '{"codigo":"a\u0000b"',
  '"',
  '{"a":"\\x41"}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"a":' + '1'.repeat(400) + '}',
  '--',
  '\u0000',
];

function articleBody(rng: Rng): unknown {
  const body: Record<string, unknown> = {
    codigo: `FZ-${rng.int(1e6)}`,
    nombre: rng.pick(['Tubo', rng.pick(NASTY), 'ñ']),
  };
  if (rng.chance(0.3)) body.material = rng.pick(['PVC', rng.pick(NASTY).slice(0, 200)]);
  // At least one change that no valid article survives.
  const breakers: Array<() => void> = [
    () => delete body.codigo,
    () => delete body.nombre,
    () => (body.codigo = rng.pick(WEIRD_NUMBERS.filter((v) => typeof v !== 'string'))),
    () => (body.nombre = rng.pick([1, null, true, [], {}, ['Tubo']])),
    () => (body.codigo = 'C'.repeat(65 + rng.int(2_000))),
    () => (body.nombre = 'N'.repeat(201 + rng.int(100_000))),
    () => (body.nombre = ' '.repeat(1 + rng.int(4))),
    () => (body.codigo = ''),
    () => (body.diametro = rng.pick(['5', 'NaN', -1, 1e10, '1e3', [], {}, true])),
    () => (body.stock_minimo = rng.pick(['0', -0.001, 1e13, 'Infinity', [5], false])),
    () => (body.unidad = rng.pick(['', 'u'.repeat(21), 7, null])),
    () => (body.referencia_externa = rng.pick(['r'.repeat(121), 12, [], {}])),
    () => (body[rng.pick(['id', 'fecha_creacion', 'extra', "' OR 1=1 --", '__proto__x'])] = 1),
    () => (body.material = rng.pick([1, 'm'.repeat(201), {}, ['PVC']])),
  ];
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) rng.pick(breakers)();
  return body;
}

function movementBody(rng: Rng, articles: number[]): unknown {
  const body: Record<string, unknown> = {
    tipo: rng.pick(['ENTRADA', 'SALIDA']),
    articulo: rng.pick(articles),
    cantidad: 1 + rng.int(10),
  };
  if (rng.chance(0.3)) body.referencia = rng.pick(NASTY).slice(0, 200);
  const breakers: Array<() => void> = [
    () => delete body.tipo,
    () => delete body.articulo,
    () => delete body.cantidad,
    () => (body.tipo = rng.pick(['entrada', 'X', '', 1, null, ['ENTRADA'], "ENTRADA' --"])),
    () =>
      (body.articulo = rng.pick(['1', 0, -1, 1.5, null, [1], { id: 1 }, 'NaN', Number.MAX_VALUE])),
    () => (body.cantidad = rng.pick(['1', -1, 'NaN', 1e13, null, 0, [1], {}, '1e3', true])),
    () => (body.almacen = rng.pick(['', '  ', 'A'.repeat(65), 5, null, []])),
    () => (body.referencia = rng.pick(['r'.repeat(201), 12, {}, [null]])),
    () =>
      (body.fecha = rng.pick([
        '2026-13-01T00:00:00Z',
        'ayer',
        '2026-11-27',
        '2026-11-27T10:00:00',
        1_700_000_000,
        '',
        "2026-11-27T10:00:00Z' OR 1=1",
      ])),
    () => (body[rng.pick(['estado', 'id', 'origen', 'aprobado_por'])] = 'APROBADO'),
  ];
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) rng.pick(breakers)();
  return body;
}

/** Top-level shapes that are not the object an endpoint expects. */
function wrongShape(rng: Rng): string {
  return rng.pick([
    '[]',
    '[{}]',
    '[{"codigo":"A","nombre":"B"}]',
    '"texto"',
    '42',
    '-1',
    'true',
    // (JSON null is left out: to the approval, which takes no body, null is no body.)
    '"\\u0000"',
    JSON.stringify('ñ'.repeat(1_000)),
    '{"":""}',
    '{"a":{"b":{"c":{"d":[[[[[]]]]]}}}}',
  ]);
}

function deepNesting(rng: Rng): string {
  const depth = rng.pick([1_000, 50_000, 200_000]);
  return rng.chance(0.5)
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"codigo":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';
}

function generate(rng: Rng, key: string, readOnlyKey: string, ids: SeedIds): Case[] {
  const cases: Case[] = [];
  const auth = ['authorization', `ApiKey ${key}`];
  const json = ['content-type', 'application/json'];
  const listPaths = Object.keys(LISTS) as Array<keyof typeof LISTS>;
  const pendingOrMissing = () =>
    rng.chance(0.6) ? rng.pick(ids.pending) : rng.pick([...ids.approved, 999_999]);

  const kinds: Array<[weight: number, make: () => Case]> = [
    [
      20,
      () => {
        const path = rng.pick(listPaths);
        const names = [...LISTS[path], ...UNKNOWN_PARAMS];
        const params: string[] = [];
        const n = 1 + rng.int(4);
        for (let i = 0; i < n; i++) {
          const name = rng.chance(0.8) ? rng.pick(LISTS[path]) : rng.pick(names);
          const value = rng.pick(NASTY);
          params.push(`${enc(name)}=${enc(value)}`);
          if (rng.chance(0.1)) params.push(`${enc(name)}=${enc(rng.pick(NASTY))}`);
        }
        return {
          label: 'query: nasty values',
          method: rng.chance(0.1) ? 'HEAD' : 'GET',
          path: `${path}?${params.join('&')}`,
          headers: auth,
        };
      },
    ],
    [
      6,
      () => {
        const path = rng.pick(['/api/external/articulos/', '/api/external/stock/'] as const);
        const param = path === '/api/external/stock/' ? 'almacen' : rng.pick(['texto', 'material']);
        return {
          label: 'query: LIKE/SQL meta-characters are literal',
          method: 'GET',
          path: `${path}?${param}=${enc(rng.pick(LIKE_META))}`,
          headers: auth,
          literalSearch: true,
        };
      },
    ],
    [
      8,
      () => ({
        label: 'path: odd ids',
        method: 'GET',
        path: `/api/external/articulos/${rng.pick(ODD_IDS)}/`,
        headers: auth,
      }),
    ],
    [
      8,
      () => ({
        label: 'path: traversal and odd paths',
        method: rng.pick(['GET', 'GET', 'POST', 'HEAD']),
        path: rng.pick(TRAVERSALS),
        headers: rng.chance(0.5) ? auth : [],
      }),
    ],
    [
      16,
      () => ({
        label: 'body: invalid article',
        method: 'POST',
        path: '/api/external/articulos/',
        headers: [...auth, ...json],
        body: JSON.stringify(articleBody(rng)),
      }),
    ],
    [
      16,
      () => ({
        label: 'body: invalid movement',
        method: 'POST',
        path: '/api/external/movimientos/',
        headers: [...auth, ...json],
        body: JSON.stringify(movementBody(rng, ids.articles)),
      }),
    ],
    [
      6,
      () => ({
        label: 'body: wrong top-level shape',
        method: 'POST',
        path: rng.pick([
          '/api/external/articulos/',
          '/api/external/movimientos/',
          `/api/external/movimientos/${rng.pick(ids.pending)}/aprobar/`,
        ]),
        headers: [...auth, ...json],
        body: wrongShape(rng),
      }),
    ],
    [
      6,
      () => ({
        label: 'approve: body that is not {}',
        method: 'POST',
        path: `/api/external/movimientos/${pendingOrMissing()}/aprobar/`,
        headers: [...auth, ...json],
        body: rng.pick(['{"x":1}', '{"estado":"APROBADO"}', '{"motivo":null}', '[]', '"{}"', '0']),
      }),
    ],
    [
      4,
      () => ({
        label: 'approve: odd ids',
        method: 'POST',
        path: `/api/external/movimientos/${rng.pick(ODD_IDS)}/aprobar/`,
        headers: [...auth, ...json],
        body: '{}',
      }),
    ],
    [
      10,
      () => ({
        label: 'body: invalid JSON',
        method: 'POST',
        path: rng.pick([
          '/api/external/articulos/',
          '/api/external/movimientos/',
          `/api/external/movimientos/${rng.pick(ids.pending)}/aprobar/`,
        ]),
        headers: [...auth, ...json],
        body: rng.chance(0.85)
          ? rng.pick(INVALID_JSON)
          : Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]),
      }),
    ],
    [
      10,
      () => {
        const odd = rng.chance(0.3);
        const contentType = odd ? rng.pick(ODD_JSON_TYPES) : rng.pick(NOT_JSON_TYPES);
        const path = rng.pick([
          '/api/external/articulos/',
          '/api/external/movimientos/',
          `/api/external/movimientos/${rng.pick(ids.pending)}/aprobar/`,
        ]);
        // A valid body under a wrong content type: must still be refused (415 or 400).
        const body = path.endsWith('aprobar/')
          ? '{}'
          : path.includes('articulos')
            ? JSON.stringify({ codigo: `CT-${rng.int(1e6)}`, nombre: 'Tipo' })
            : JSON.stringify({ tipo: 'ENTRADA', articulo: ids.articles[0], cantidad: 1 });
        return {
          label: `content type: ${String(contentType)}`,
          method: 'POST',
          path,
          headers: [...auth, ...(contentType === undefined ? [] : ['content-type', contentType])],
          body: !odd && rng.chance(0.5) ? body : 'a=1&b=2',
        };
      },
    ],
    [
      12,
      () => {
        const path = rng.pick([
          ...listPaths,
          `/api/external/articulos/${rng.pick(ids.articles)}/`,
          '/api/external/articulos/',
          '/api/external/movimientos/',
          `/api/external/movimientos/${rng.pick(ids.pending)}/aprobar/`,
        ]);
        const post = !listPaths.includes(path as never) && !/articulos\/\d+\/$/.test(path);
        const value = rng.pick(BAD_AUTH(key));
        const headers = ['authorization', value];
        if (rng.chance(0.2)) headers.push('authorization', `ApiKey ${key}`); // a second one
        return {
          label: 'auth: bogus Authorization',
          method: post ? 'POST' : 'GET',
          path,
          headers: post ? [...headers, ...json] : headers,
          // A body that would be accepted with a valid key: only authentication stops it.
          ...(post
            ? {
                body: path.endsWith('aprobar/')
                  ? '{}'
                  : path.includes('articulos')
                    ? JSON.stringify({ codigo: `AU-${rng.int(1e6)}`, nombre: 'Sin clave' })
                    : JSON.stringify({ tipo: 'ENTRADA', articulo: ids.articles[0], cantidad: 5 }),
              }
            : {}),
        };
      },
    ],
    [
      4,
      () => ({
        label: 'auth: key without the scope',
        method: 'POST',
        path: rng.pick([
          '/api/external/articulos/',
          '/api/external/movimientos/',
          `/api/external/movimientos/${rng.pick(ids.pending)}/aprobar/`,
        ]),
        headers: ['authorization', `ApiKey ${readOnlyKey}`, ...json],
        body: '{}',
      }),
    ],
    [
      6,
      () => {
        const articles = rng.chance(0.5);
        const value = rng.pick(BAD_IDEMPOTENCY);
        const headers = [...auth, ...json, 'idempotency-key', value];
        if (rng.chance(0.25)) headers.push('idempotency-key', `dup-${rng.int(1e6)}`);
        return {
          label: 'header: bad Idempotency-Key on a valid body',
          method: 'POST',
          path: articles ? '/api/external/articulos/' : '/api/external/movimientos/',
          headers,
          body: articles
            ? JSON.stringify({ codigo: `IK-${rng.int(1e9)}`, nombre: 'Idempotente' })
            : JSON.stringify({ tipo: 'ENTRADA', articulo: ids.articles[0], cantidad: 3 }),
        };
      },
    ],
    [
      6,
      () => ({
        label: 'header: bogus Host on a list',
        method: 'GET',
        path: `${rng.pick(['/api/external/articulos/', '/api/external/stock/', '/api/external/movimientos/'])}?page_size=1&page=${1 + rng.int(2)}`,
        headers: [...auth, 'host', rng.pick(BAD_HOSTS)],
      }),
    ],
    [
      6,
      () => {
        const big = 'h'.repeat(2_000 + rng.int(10_000));
        const name = rng.pick([
          'x-forwarded-for',
          'accept',
          'accept-language',
          'cookie',
          'x-request-id',
          'user-agent',
          'if-none-match',
          'accept-encoding',
          'x-http-method-override',
        ]);
        return {
          label: `header: huge or odd ${name}`,
          method: 'GET',
          path: `${rng.pick(listPaths)}?page_size=${rng.pick(['1', 'x', '501'])}`,
          headers: [...auth, name, rng.chance(0.5) ? big : rng.pick(HEADER_SAFE_NASTY)],
        };
      },
    ],
    [
      4,
      () => ({
        label: 'method: not allowed here',
        method: rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND']),
        path: rng.pick([
          ...listPaths,
          `/api/external/articulos/${rng.pick(ids.articles)}/`,
          '/api/health',
          '/api/external/openapi.json',
        ]),
        headers: [...auth, ...json],
        body: '{"codigo":"M","nombre":"Metodo"}',
      }),
    ],
    [
      3,
      () => ({
        label: 'body: deep nesting',
        method: 'POST',
        path: rng.pick(['/api/external/articulos/', '/api/external/movimientos/']),
        headers: [...auth, ...json],
        body: deepNesting(rng),
      }),
    ],
    [
      3,
      () => {
        const chunked = rng.chance(0.3);
        const size = rng.pick([1_100_000, 1_500_000, 2_000_000, 2_100_000]);
        const text = JSON.stringify({ codigo: 'BIG', nombre: 'n'.repeat(size) });
        return {
          label: chunked ? 'body: over 1 MB, chunked' : 'body: over 1 MB',
          method: 'POST',
          path: rng.pick(['/api/external/articulos/', '/api/external/movimientos/']),
          headers: [...auth, ...json],
          body: chunked ? () => Readable.from([Buffer.from(text)]) : text,
          oversized: true,
        };
      },
    ],
    [
      3,
      () => ({
        label: 'body: just under 1 MB, valid JSON, invalid data',
        method: 'POST',
        path: '/api/external/articulos/',
        headers: [...auth, ...json],
        body: JSON.stringify({ codigo: 'C', nombre: 'ñ'.repeat(400_000 + rng.int(100_000)) }),
      }),
    ],
  ];

  const total = kinds.reduce((sum, [weight]) => sum + weight, 0);
  for (let i = 0; i < GENERATED; i++) {
    let roll = rng.next() * total;
    const kind = kinds.find(([weight]) => (roll -= weight) < 0) ?? kinds[0]!;
    cases.push(kind[1]());
  }
  return cases;
}

interface SeedIds {
  articles: number[];
  pending: number[];
  approved: number[];
}

async function seed(core: TestCore): Promise<SeedIds> {
  const { inventory } = core.services;
  const articles: number[] = [];
  const approved: number[] = [];
  const pending: number[] = [];
  for (let i = 1; i <= 6; i++) {
    const article = inventory.createArticle({
      codigo: `FZ-${i}`,
      nombre: `Tubo PVC ${i}`,
      material: 'PVC',
      diametro: 20 + i,
      unidad: 'unidad',
      stock_minimo: 5,
      referencia_externa: null,
    });
    articles.push(article.id);
    const entrada = inventory.createMovement(
      { tipo: 'ENTRADA', articulo: article.id, cantidad: 20, origen: 'ui' },
      ACTOR,
    );
    approved.push(inventory.approveMovement(entrada.id, ACTOR).id);
    if (i <= 3) {
      const salida = inventory.createMovement(
        { tipo: 'SALIDA', articulo: article.id, cantidad: 2, origen: 'ui' },
        ACTOR,
      );
      pending.push(salida.id);
    }
  }
  return { articles, pending, approved };
}

/** Everything a malformed request could have changed in the inventory. */
function snapshot(core: TestCore) {
  const all = (sql: string) => core.db.prepare(sql).all();
  return {
    articles: all('SELECT * FROM articles ORDER BY id'),
    stock: all('SELECT * FROM stock_levels ORDER BY articulo_id, almacen'),
    movements: all('SELECT * FROM movements ORDER BY id'),
    alerts: all('SELECT * FROM stock_alerts ORDER BY id'),
    events: all('SELECT seq, id, evento FROM events ORDER BY seq'),
    keys: all('SELECT id, activo, scopes, limite_hora FROM api_keys ORDER BY id'),
  };
}

async function send(pool: Pool, c: Case): Promise<Outcome> {
  try {
    const response = await pool.request({
      method: c.method as 'GET',
      path: c.path,
      headers: c.headers,
      body: typeof c.body === 'function' ? c.body() : c.body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const body = await response.body.text();
    const contentType = response.headers['content-type'];
    return {
      status: response.statusCode,
      contentType: typeof contentType === 'string' ? contentType : '',
      body,
      headers: response.headers,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return { status: `error:${code}`, contentType: '', body: String(error), headers: {} };
  }
}

const STACK_TRACE = /\bat [^\n"]*\.(?:js|ts|mjs|cjs):\d/;
const LEAKED_FILE = /root:x?:0:0|"devDependencies"|SQLite format 3|GSIH_|BEGIN [A-Z ]*PRIVATE KEY/;

/** What is wrong with one answer, if anything. */
function check(c: Case, o: Outcome): string | null {
  if (typeof o.status === 'string') {
    // The server may refuse an oversized upload by closing the socket before it is all sent.
    return c.oversized && /ECONNRESET|EPIPE|SocketError|UND_ERR_SOCKET/.test(o.status)
      ? null
      : `no response (${o.status}: ${o.body.slice(0, 200)})`;
  }
  if (o.status >= 500) return `answered ${o.status}: ${o.body.slice(0, 300)}`;
  if (STACK_TRACE.test(o.body)) return `stack trace in the body: ${o.body.slice(0, 300)}`;
  if (LEAKED_FILE.test(o.body)) return `file contents in the body: ${o.body.slice(0, 120)}`;
  if (c.oversized && o.status !== 413) return `expected 413, got ${o.status}`;
  if (o.status >= 400) {
    if (!o.contentType.startsWith('application/problem+json'))
      return `error ${o.status} as «${o.contentType}»: ${o.body.slice(0, 200)}`;
    if (c.method === 'HEAD') return null;
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(o.body) as Record<string, unknown>;
    } catch {
      return `error ${o.status} body is not JSON: ${o.body.slice(0, 200)}`;
    }
    for (const field of ['type', 'title', 'detail'] as const) {
      if (typeof problem[field] !== 'string' || problem[field] === '')
        return `problem without ${field}: ${o.body.slice(0, 200)}`;
    }
    if (problem.status !== o.status)
      return `problem.status ${String(problem.status)} but HTTP ${o.status}`;
    if (!(problem.type as string).startsWith('urn:gsih:problema:'))
      return `problem type ${String(problem.type)}`;
    if (o.status === 429 && !o.headers['retry-after']) return '429 without Retry-After';
    if (o.status === 401 && !o.headers['www-authenticate']) return '401 without WWW-Authenticate';
    return null;
  }
  if (c.literalSearch && c.method === 'GET') {
    const page = JSON.parse(o.body) as { count: number };
    if (page.count !== 0) return `a LIKE/SQL meta-character matched ${page.count} rows`;
  }
  if (c.method === 'POST' && o.status < 300)
    return `a malformed POST was accepted (${o.status}): ${o.body.slice(0, 200)}`;
  return null;
}

async function runAll(pool: Pool, cases: Case[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const index = next++;
        outcomes[index] = await send(pool, cases[index]!);
      }
    }),
  );
  return outcomes;
}

describe('external API under malformed requests (real socket)', () => {
  let core: TestCore;
  let pool: Pool;
  let key: string;
  let readOnlyKey: string;
  let ids: SeedIds;

  beforeAll(async () => {
    // The per-address limit for requests without a valid key is lifted here, so a 429 never hides
    // how the API answers a bad key; the limit itself is checked in its own test below.
    core = await makeTestCore({ apiLimits: { anonymousMax: 1_000_000 } });
    ids = await seed(core);
    key = core.services.keys.create({
      nombre: 'Fuzz',
      sistema: 'FUZZ',
      scopes: [
        'articulos:read',
        'articulos:write',
        'stock:read',
        'movimientos:read',
        'movimientos:write',
        'movimientos:aprobar',
        'reportes:read',
      ],
      dias: null,
      limite_hora: 1_000_000,
    }).clave;
    readOnlyKey = core.services.keys.create({
      nombre: 'Solo lectura',
      sistema: 'FUZZ',
      scopes: ['articulos:read', 'stock:read'],
      dias: null,
      limite_hora: 1_000_000,
    }).clave;
    await core.start({ api: { host: '127.0.0.1', port: 0, required: true } });
    pool = new Pool(`http://127.0.0.1:${core.apiStatus().port}`, {
      connections: CONCURRENCY,
      keepAliveTimeout: 10_000,
    });
  });

  afterAll(async () => {
    await pool?.close();
    await core?.cleanup();
  });

  it('answers every malformed request with a problem, never a 5xx, and changes nothing', async () => {
    const rng = prng(SEED);
    const cases = generate(rng, key, readOnlyKey, ids);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const before = snapshot(core);

    const started = performance.now();
    const outcomes = await runAll(pool, cases);
    const seconds = (performance.now() - started) / 1000;

    const histogram = new Map<string, number>();
    const violations: string[] = [];
    cases.forEach((c, i) => {
      const o = outcomes[i]!;
      histogram.set(String(o.status), (histogram.get(String(o.status)) ?? 0) + 1);
      const problem = check(c, o);
      if (problem) {
        const headers = c.headers
          .map((h, j) => (j % 2 ? `${h.length > 60 ? `${h.slice(0, 60)}…` : h}; ` : `${h}: `))
          .join('');
        violations.push(
          `[${c.label}] ${c.method} ${c.path.slice(0, 160)} {${headers}} → ${problem.slice(0, 400)}`,
        );
      }
    });
    console.log(
      `api fuzz: ${cases.length} requests (seed ${SEED.toString(16)}) in ${seconds.toFixed(1)} s; status histogram:`,
      Object.fromEntries([...histogram].sort(([a], [b]) => a.localeCompare(b))),
    );
    const distinct = [...new Set(violations.map((v) => v.replace(/\d{3,}/g, 'N')))];
    expect.soft(distinct, `${violations.length} bad answers`).toEqual([]);

    // Still alive, still serving, and nothing in the inventory moved.
    const health = await send(pool, {
      label: 'health',
      method: 'GET',
      path: '/api/health',
      headers: [],
    });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ estado: 'ok' });
    const stock = await send(pool, {
      label: 'stock',
      method: 'GET',
      path: '/api/external/stock/',
      headers: ['authorization', `ApiKey ${key}`],
    });
    expect(stock.status).toBe(200);
    expect(JSON.parse(stock.body)).toMatchObject({ count: ids.articles.length });
    expect(snapshot(core)).toEqual(before);
  }, 60_000);

  it('limits requests without a valid key per address: 429 with Retry-After', async () => {
    const limited = await makeTestCore();
    try {
      await limited.start({ api: { host: '127.0.0.1', port: 0, required: true } });
      const client = new Pool(`http://127.0.0.1:${limited.apiStatus().port}`, { connections: 1 });
      try {
        const max = DEFAULT_AUTH_LIMITS.anonymousMax;
        const statuses: number[] = [];
        let last: Outcome | undefined;
        for (let i = 0; i <= max; i++) {
          last = await send(client, {
            label: 'anonymous',
            method: 'GET',
            path: '/api/external/articulos/',
            headers: i % 2 ? ['authorization', 'ApiKey gsih_sk_nope'] : [],
          });
          statuses.push(last.status as number);
        }
        expect(statuses.slice(0, max).every((s) => s === 401)).toBe(true);
        expect(last!.status).toBe(429);
        expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
        expect(last!.headers['ratelimit-policy']).toMatch(/^"anonimo";q=\d+;w=\d+$/);
        expect(last!.contentType).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(last!.body)).toMatchObject({
          type: 'urn:gsih:problema:demasiadas-peticiones',
          status: 429,
        });
        // Health needs no key and is not counted.
        const health = await send(client, {
          label: 'health',
          method: 'GET',
          path: '/api/health',
          headers: [],
        });
        expect(health.status).toBe(200);
      } finally {
        await client.close();
      }
    } finally {
      await limited.cleanup();
    }
  });
});

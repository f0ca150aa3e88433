import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import packageJson from '../../../package.json';
import { AppError } from '../../shared/errors';
import type { Page } from '../../shared/domain';
import type { InventoryService } from '../inventory/service';
import type { Clock } from '../clock';
import type { Monitoring } from '../monitoring/report';
import {
  articleBody,
  articleSchema,
  articlesQuery,
  healthSchema,
  idParams,
  integrationsQuery,
  integrationsReportSchema,
  movementBody,
  movementSchema,
  movementsQuery,
  pageOf,
  postHeaders,
  problemSchema,
  reportQuery,
  reportSchema,
  stockQuery,
  stockSchema,
} from './schemas';

const problemResponse = {
  description: 'Problema (RFC 9457)',
  content: { 'application/problem+json': { schema: problemSchema } },
};
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, problemResponse]));
const AUTH_ERRORS = [400, 401, 403, 429] as const;
const security = [{ ApiKey: [] }];

/** DRF's envelope: absolute next/previous links built from the request's own URL. */
function envelope<T>(request: FastifyRequest, page: Page<T>) {
  const last = Math.max(1, Math.ceil(page.total / page.page_size));
  if (page.page > last) {
    throw new AppError(
      'NOT_FOUND',
      `Página no válida: hay ${last} página${last === 1 ? '' : 's'} con ${page.page_size} resultados por página.`,
    );
  }
  const link = (n: number) => {
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  return {
    count: page.total,
    next: page.page < last ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(page.page - 1) : null,
    results: page.items,
  };
}

function actor(request: FastifyRequest): string {
  const key = request.apiKey!;
  return `api:${key.sistema}:${key.nombre}`;
}

export function registerRoutes(
  root: FastifyInstance,
  deps: { inventory: InventoryService; clock: Clock; monitoring: Monitoring },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { inventory } = deps;

  app.get('/api/health', {
    schema: {
      tags: ['Servicio'],
      summary: 'Estado del servicio (sin clave)',
      response: { 200: healthSchema },
    },
    handler: async () => ({
      estado: 'ok' as const,
      version: packageJson.version,
      fecha: deps.clock.now().toISOString(),
    }),
  });

  app.get('/api/external/articulos/', {
    config: { scope: 'articulos:read', cacheable: true },
    schema: {
      tags: ['Artículos'],
      summary: 'Lista artículos',
      description:
        'Paginada; ordenada por id. Con `actualizado_desde` sirve para sincronizar solo lo cambiado.',
      security,
      querystring: articlesQuery,
      response: { 200: pageOf(articleSchema, 'PaginaArticulos'), ...errors(...AUTH_ERRORS, 404) },
    },
    handler: async (request) =>
      envelope(request, inventory.listArticles({ ...request.query, orden: 'id' })),
  });

  app.post('/api/external/articulos/', {
    config: { scope: 'articulos:write' },
    schema: {
      tags: ['Artículos'],
      summary: 'Crea un artículo',
      description: 'El código es único: repetirlo responde 409. Admite Idempotency-Key.',
      security,
      headers: postHeaders,
      body: articleBody,
      response: { 201: articleSchema, ...errors(...AUTH_ERRORS, 409, 413, 415, 422) },
    },
    handler: async (request, reply) => reply.code(201).send(inventory.createArticle(request.body)),
  });

  app.get('/api/external/articulos/:id/', {
    config: { scope: 'articulos:read', cacheable: true },
    schema: {
      tags: ['Artículos'],
      summary: 'Un artículo',
      security,
      params: idParams,
      response: { 200: articleSchema, ...errors(...AUTH_ERRORS, 404) },
    },
    handler: async (request) => inventory.getArticle(request.params.id),
  });

  app.get('/api/external/stock/', {
    config: { scope: 'stock:read', cacheable: true },
    schema: {
      tags: ['Stock'],
      summary: 'Stock por artículo y almacén',
      security,
      querystring: stockQuery,
      response: { 200: pageOf(stockSchema, 'PaginaStock'), ...errors(...AUTH_ERRORS, 404) },
    },
    handler: async (request) => envelope(request, inventory.listStock(request.query)),
  });

  app.get('/api/external/movimientos/', {
    config: { scope: 'movimientos:read', cacheable: true },
    schema: {
      tags: ['Movimientos'],
      summary: 'Lista movimientos',
      description:
        'Los más recientes primero. `desde` y `hasta` filtran por la fecha del movimiento.',
      security,
      querystring: movementsQuery,
      response: {
        200: pageOf(movementSchema, 'PaginaMovimientos'),
        ...errors(...AUTH_ERRORS, 404),
      },
    },
    handler: async (request) => envelope(request, inventory.listMovements(request.query)),
  });

  app.post('/api/external/movimientos/', {
    config: { scope: 'movimientos:write' },
    schema: {
      tags: ['Movimientos'],
      summary: 'Registra un movimiento',
      description:
        'Se crea PENDIENTE (el stock no cambia hasta que se aprueba) y genera el evento `movimiento_creado`. Admite Idempotency-Key.',
      security,
      headers: postHeaders,
      body: movementBody,
      response: { 201: movementSchema, ...errors(...AUTH_ERRORS, 409, 413, 415, 422) },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(inventory.createMovement({ ...request.body, origen: 'api' }, actor(request))),
  });

  app.post('/api/external/movimientos/:id/aprobar/', {
    config: { scope: 'movimientos:aprobar' },
    schema: {
      tags: ['Movimientos'],
      summary: 'Aprueba un movimiento pendiente',
      description:
        'Aplica el movimiento al stock. Una SALIDA mayor que el stock del almacén responde 409 y el movimiento sigue pendiente.',
      security,
      params: idParams,
      headers: postHeaders,
      // No body is needed; an empty JSON object is accepted too.
      body: z.object({}).strict().nullish(),
      response: { 200: movementSchema, ...errors(...AUTH_ERRORS, 404, 409, 415) },
    },
    handler: async (request) => inventory.approveMovement(request.params.id, actor(request)),
  });

  app.get('/api/external/reportes/', {
    config: { scope: 'reportes:read', cacheable: true },
    schema: {
      tags: ['Reportes'],
      summary: 'Resumen de stock',
      description:
        'Artículos, unidades, artículos bajo mínimo con lo que falta, y movimientos aprobados por tipo en el intervalo.',
      security,
      querystring: reportQuery,
      response: { 200: reportSchema, ...errors(...AUTH_ERRORS) },
    },
    handler: async (request) => inventory.report(request.query),
  });

  // Not `cacheable`: the answer depends on the ERP runs, the webhook queue and the log, not only
  // on the inventory that clears the cache; and it is cheap (per-hour counts on indexes).
  app.get('/api/reportes/integraciones/', {
    config: { scope: 'reportes:read' },
    schema: {
      tags: ['Reportes'],
      summary: 'Monitorización de las integraciones',
      description:
        'Sincronizaciones con el ERP (como el sistema GSIH: total, exitosas, fallidas, tasa de éxito, última y próxima), entregas de webhooks y llamadas a esta API por sistema externo, en el intervalo `desde`–`hasta` (opcional).',
      security,
      querystring: integrationsQuery,
      response: { 200: integrationsReportSchema, ...errors(...AUTH_ERRORS) },
    },
    handler: async (request) => deps.monitoring.report(request.query),
  });
}

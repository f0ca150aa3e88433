import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import packageJson from '../../../package.json';
import type { Clock } from '../clock';
import type { InventoryService } from '../inventory/service';
import type { KeyService } from '../keys/service';
import type { IntegrationLog } from '../logs/integration-log';
import type { Logger } from '../logger';
import type { Monitoring } from '../monitoring/report';
import { DEFAULT_AUTH_LIMITS, registerAuth, type AuthLimits } from './auth';
import { registerIdempotency, type IdempotencyStore } from './idempotency';
import { problem, sendProblem, toProblem } from './problem';
import { registerRequestLog } from './request-log';
import { registerRoutes } from './routes';
import { registerResponseCache, type ResponseCache } from './response-cache';

export interface ApiServerDeps {
  inventory: InventoryService;
  keys: KeyService;
  idempotency: IdempotencyStore;
  log: IntegrationLog;
  clock: Clock;
  logger: Logger;
  /** The figures of GET /api/reportes/integraciones/. */
  monitoring: Monitoring;
  limits?: Partial<AuthLimits>;
  /** Shared with the core, which clears it on every inventory change. */
  cache?: ResponseCache;
  /** Notices commits by another process (and drops what they made stale): run per request. */
  checkExternalChanges?: () => void;
}

export const API_BODY_LIMIT = 1024 * 1024;

/** The methods a 405's Allow header can list, in the order it lists them. */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const API_DESCRIPTION = `API REST de GSIH Integraciones para ERP, compras e informes.

Autenticación: \`Authorization: ApiKey <clave>\` con una clave creada en la página «Claves API» de la aplicación o con \`gsih keys create\`.
Listas: sobre de página \`{count, next, previous, results}\` con \`?page=\` y \`?page_size=\` (50 por defecto, 500 como máximo).
Errores: \`application/problem+json\` (RFC 9457) con \`title\` y \`detail\` en español y \`errors\` por campo.
POST admite \`Idempotency-Key\` (24 h). Cada clave tiene su límite por hora; las cabeceras \`RateLimit-Policy\` y \`RateLimit\` dicen cuánto queda.`;

/** The external API, built without listening: the caller (core, tests) decides where. */
export async function buildApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: API_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Behind no proxy: the client address is the socket's.
    trustProxy: false,
    forceCloseConnections: true,
    // Bad percent-encoding and over-long path parameters are refused before routing.
    frameworkErrors: (error, request, reply) =>
      sendProblem(reply, toProblem(error, request, deps.logger)),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: plain text would otherwise reach the validators as a string.
  app.removeContentTypeParser('text/plain');
  // An empty body sent as JSON (a common client default on the approval call, and accepted by the
  // seed system) means "no body"; anything else goes through Fastify's own safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });

  app.setErrorHandler((error, request, reply) =>
    sendProblem(reply, toProblem(error, request, deps.logger)),
  );
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // A path that exists with other methods is a 405 with the ones it has (RFC 9110 §15.5.6).
    const allowed = HTTP_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      return sendProblem(
        reply.header('allow', allowed.join(', ')),
        problem(
          405,
          'metodo-no-permitido',
          'Método no permitido',
          `${path} no admite ${request.method}; admite ${allowed.join(', ')}. La referencia está en /api/external/docs.`,
        ),
      );
    }
    return sendProblem(
      reply,
      problem(
        404,
        'no-encontrado',
        'No encontrado',
        `No existe ${request.method} ${path}. La referencia está en /api/external/docs.`,
      ),
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'GSIH Integraciones — API externa',
        version: packageJson.version,
        description: API_DESCRIPTION,
      },
      components: {
        securitySchemes: {
          ApiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'Valor: `ApiKey <clave>`.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/external/docs',
    uiConfig: { docExpansion: 'list', defaultModelsExpandDepth: 0 },
    staticCSP: true,
  });
  app.get('/api/external/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Links (next/previous) are built from Host: one that is not a host is refused up front.
  // Clients send the same few Host values, so the ones already checked are remembered.
  const validHosts = new Set<string>();
  const checkExternalChanges = deps.checkExternalChanges;
  // Hooks on every request are callback-style: an async hook costs a promise and a tick each.
  app.addHook('onRequest', (request, reply, done) => {
    checkExternalChanges?.();
    if (validHosts.has(request.host)) return done();
    if (URL.canParse(`http://${request.host}/`)) {
      if (validHosts.size < 64) validHosts.add(request.host);
      return done();
    }
    sendProblem(
      reply,
      problem(400, 'peticion-no-valida', 'Petición no válida', 'La cabecera Host no es válida.'),
    );
  });
  registerAuth(app, deps.keys, { ...DEFAULT_AUTH_LIMITS, ...deps.limits }, () =>
    deps.clock.now().getTime(),
  );
  registerIdempotency(app, deps.idempotency);
  registerRequestLog(app, deps.log);
  if (deps.cache) registerResponseCache(app, deps.cache);
  registerRoutes(app, {
    inventory: deps.inventory,
    clock: deps.clock,
    monitoring: deps.monitoring,
  });
  return app;
}

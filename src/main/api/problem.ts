import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  ResponseSerializationError,
} from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../../shared/errors';
import type { Logger } from '../logger';

// Every error of the external API is application/problem+json (RFC 9457) with a Spanish title
// and detail. `type` is a URN per kind of problem, listed in docs/API.md.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: Record<string, string>;
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  errors?: Record<string, string>,
): Problem {
  return {
    type: `urn:gsih:problema:${slug}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  const instance = reply.request.url.split('?')[0];
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance });
}

const APP_ERROR_STATUS: Partial<Record<ErrorCode, [number, string, string]>> = {
  VALIDATION: [422, 'no-procesable', 'Petición no procesable'],
  NOT_FOUND: [404, 'no-encontrado', 'No encontrado'],
  CONFLICT: [409, 'conflicto', 'Conflicto'],
  INSUFFICIENT_STOCK: [409, 'stock-insuficiente', 'Stock insuficiente'],
  UNAUTHORIZED: [401, 'no-autenticado', 'No autenticado'],
  FORBIDDEN: [403, 'sin-permiso', 'Sin permiso'],
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: string[]; issue?: { path?: PropertyKey[]; message?: string } };
}

function validationErrors(
  issues: ValidationIssue[],
  context: string | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    // An unknown field or parameter is reported under its own name.
    if (issue.keyword === 'unrecognized_keys' && issue.params?.keys?.length) {
      const prefix = issue.instancePath?.replace(/^\//, '').replace(/\//g, '.');
      for (const key of issue.params.keys) {
        errors[prefix ? `${prefix}.${key}` : key] ??=
          context === 'querystring' ? 'Parámetro desconocido' : 'Campo desconocido';
      }
      continue;
    }
    const path =
      issue.params?.issue?.path?.map(String).join('.') ||
      issue.instancePath?.replace(/^\//, '').replace(/\//g, '.') ||
      '';
    const field = path || (context === 'body' ? 'cuerpo' : (context ?? 'peticion'));
    errors[field] ??= issue.params?.issue?.message ?? issue.message ?? 'No válido';
  }
  return errors;
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'el cuerpo',
  querystring: 'los parámetros de la consulta',
  params: 'la ruta',
  headers: 'las cabeceras',
};

/** Maps whatever was thrown to a problem; unexpected errors are logged and answered as 500. */
export function toProblem(error: unknown, request: FastifyRequest, logger: Logger): Problem {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    const errors = validationErrors(error.validation as ValidationIssue[], context);
    return problem(
      400,
      'validacion',
      'Datos no válidos',
      `Revise ${CONTEXT_NAMES[context ?? ''] ?? 'la petición'}: ${Object.keys(errors).join(', ')}.`,
      errors,
    );
  }
  if (error instanceof AppError) {
    const [status, slug, title] = APP_ERROR_STATUS[error.code] ?? [500, 'interno', 'Error interno'];
    if (status === 500)
      logger.error(`api ${request.method} ${request.routeOptions.url ?? ''} failed`, error);
    return problem(
      status,
      slug,
      title,
      status === 500 ? 'Error interno del servidor.' : error.message,
      error.details,
    );
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        413,
        'demasiado-grande',
        'Cuerpo demasiado grande',
        'El cuerpo de la petición supera 1 MB.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(
        415,
        'tipo-no-soportado',
        'Tipo de contenido no soportado',
        'Envíe el cuerpo como JSON con Content-Type: application/json.',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'json-no-valido', 'JSON no válido', 'El cuerpo no es JSON válido.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(
        400,
        'peticion-no-valida',
        'Petición no válida',
        'La cabecera Content-Length no coincide con el cuerpo.',
      );
  }
  if (error instanceof ResponseSerializationError) {
    logger.error(
      `api ${request.method} ${request.url.split('?')[0]}: response does not match its schema`,
      error,
    );
    return problem(500, 'interno', 'Error interno', 'Error interno del servidor.');
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return problem(
      status,
      'peticion-no-valida',
      'Petición no válida',
      'La petición no se pudo interpretar.',
    );
  }
  logger.error(`api ${request.method} ${request.url.split('?')[0]} failed`, error);
  return problem(500, 'interno', 'Error interno', 'Error interno del servidor.');
}

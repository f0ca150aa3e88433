import { z } from 'zod';
import { API_SCOPES, MOVEMENT_ORIGINS, MOVEMENT_STATES, MOVEMENT_TYPES } from '../../shared/domain';
import { createArticleInput } from '../../shared/contract';
import { ERP_RUN_KINDS } from '../../shared/erp';

// The external API's wire schemas. They validate requests, serialise responses and generate the
// OpenAPI document (fastify-type-provider-zod), so the docs cannot drift from the behaviour.

const isoDateTime = z.iso.datetime({ offset: true });
const fecha = z.string().meta({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' });

export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:gsih:problema:validacion' }),
    title: z.string().meta({ example: 'Datos no válidos' }),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.record(z.string(), z.string()).optional().meta({
      description: 'Para errores de validación: campo → mensaje.',
    }),
  })
  .meta({ id: 'Problema', description: 'RFC 9457 (application/problem+json)' });

export const articleSchema = z
  .object({
    id: z.number().int(),
    codigo: z.string(),
    nombre: z.string(),
    material: z.string().nullable(),
    diametro: z.number().nullable(),
    unidad: z.string(),
    stock_minimo: z.number(),
    referencia_externa: z.string().nullable(),
    fecha_creacion: fecha,
    fecha_actualizacion: fecha,
  })
  .meta({ id: 'Articulo' });

export const stockSchema = z
  .object({
    articulo: z.number().int(),
    codigo: z.string(),
    nombre: z.string(),
    almacen: z.string(),
    cantidad: z.number(),
    stock_minimo: z.number(),
    bajo_minimo: z.boolean(),
    fecha_actualizacion: fecha,
  })
  .meta({ id: 'Stock' });

export const movementSchema = z
  .object({
    id: z.number().int(),
    tipo: z.enum(MOVEMENT_TYPES),
    articulo: z.number().int(),
    codigo: z.string(),
    nombre: z.string(),
    cantidad: z.number().meta({
      description:
        'ENTRADA y SALIDA: unidades movidas. AJUSTE: stock contado que queda en el almacén.',
    }),
    almacen: z.string(),
    referencia: z.string().nullable(),
    fecha: fecha,
    estado: z.enum(MOVEMENT_STATES),
    origen: z.enum(MOVEMENT_ORIGINS),
    creado_por: z.string().nullable(),
    aprobado_por: z.string().nullable(),
    fecha_aprobacion: fecha.nullable(),
    motivo_rechazo: z.string().nullable(),
    stock_anterior: z.number().nullable(),
    stock_resultante: z.number().nullable(),
  })
  .meta({ id: 'Movimiento' });

/** DRF's page envelope, as the seed system's integrators expect it. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      count: z.number().int().meta({ description: 'Total de resultados con estos filtros.' }),
      next: z
        .string()
        .nullable()
        .meta({ description: 'URL absoluta de la página siguiente, o null.' }),
      previous: z
        .string()
        .nullable()
        .meta({ description: 'URL absoluta de la página anterior, o null.' }),
      results: z.array(item),
    })
    .meta({ id });
}

const page = z.coerce
  .number({ error: 'Debe ser un número de página (1, 2, …)' })
  .int('Debe ser un número entero')
  .min(1, 'La primera página es la 1')
  .max(1_000_000)
  .default(1);
const pageSize = z.coerce
  .number({ error: 'Debe ser un número' })
  .int('Debe ser un número entero')
  .min(1, 'Mínimo 1')
  .max(500, 'Máximo 500 por página')
  .default(50);
const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'Debe ser true o false' })
  .transform((v) => v === 'true' || v === '1');
// Decimal digits only: Number() would also read `0x10` or `1e3` as ids.
const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'Debe ser un identificador numérico')
  .transform(Number)
  .meta({ type: 'integer' });
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const pagingQuery = { page, page_size: pageSize };

export const articlesQuery = z
  .object({
    texto: shortText(200).optional().meta({ description: 'Busca en código, nombre y material.' }),
    material: shortText(200).optional(),
    actualizado_desde: isoDateTime.optional().meta({
      description:
        'Solo artículos modificados en o después de esta fecha (sincronización incremental).',
    }),
    ...pagingQuery,
  })
  .strict();

export const articleBody = createArticleInput.meta({ id: 'ArticuloNuevo' });

export const stockQuery = z
  .object({
    articulo: idParam.optional(),
    almacen: shortText(64).optional(),
    bajo_minimo: flag.optional(),
    ...pagingQuery,
  })
  .strict();

export const movementsQuery = z
  .object({
    estado: z.enum(MOVEMENT_STATES).optional(),
    tipo: z.enum(MOVEMENT_TYPES).optional(),
    articulo: idParam.optional(),
    desde: isoDateTime.optional(),
    hasta: isoDateTime.optional(),
    ...pagingQuery,
  })
  .strict();

export const movementBody = z
  .object({
    tipo: z.enum(MOVEMENT_TYPES),
    articulo: z.number().int().positive(),
    cantidad: z.number().finite().nonnegative().max(1e12),
    almacen: shortText(64).optional().meta({ description: 'Por defecto PRINCIPAL.' }),
    referencia: z.string().trim().max(200).nullable().optional(),
    fecha: isoDateTime.optional().meta({ description: 'Cuándo ocurrió; por defecto, ahora.' }),
  })
  .strict()
  .refine((m) => m.tipo === 'AJUSTE' || m.cantidad > 0, {
    message: 'La cantidad debe ser mayor que cero',
    path: ['cantidad'],
  })
  .meta({ id: 'MovimientoNuevo' });

export const reportQuery = z
  .object({
    desde: isoDateTime.optional(),
    hasta: isoDateTime.optional(),
  })
  .strict();

export const reportSchema = z
  .object({
    desde: fecha.nullable(),
    hasta: fecha.nullable(),
    articulos: z.number().int().meta({ description: 'Artículos dados de alta.' }),
    unidades: z.number().meta({ description: 'Suma del stock de todos los almacenes.' }),
    bajo_minimo: z.array(
      z.object({
        articulo: z.number().int(),
        codigo: z.string(),
        nombre: z.string(),
        almacen: z.string(),
        cantidad: z.number(),
        stock_minimo: z.number(),
        faltante: z.number().meta({ description: 'Lo que falta para llegar al mínimo.' }),
      }),
    ),
    movimientos_por_tipo: z
      .object({
        ENTRADA: z.number().int(),
        SALIDA: z.number().int(),
        AJUSTE: z.number().int(),
      })
      .meta({ description: 'Movimientos aprobados con fecha en el intervalo.' }),
  })
  .meta({ id: 'Reporte' });

export const idParams = z.object({ id: idParam });

export const healthSchema = z
  .object({ estado: z.literal('ok'), version: z.string(), fecha })
  .meta({ id: 'Salud' });

export const scopeSchema = z.enum(API_SCOPES);

/** Headers of a POST: documents Idempotency-Key and checks it like any other input. */
export const postHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'De 1 a 255 caracteres ASCII visibles')
    .optional()
    .meta({
      description:
        'Opcional. Reintentar con la misma clave y el mismo cuerpo devuelve la primera respuesta sin repetir el efecto (24 h).',
      example: 'pedido-2026-000123',
    }),
});

const percentage = z.number().min(0).max(100).nullable();
const count = (description: string) => z.number().int().meta({ description });

export const integrationsQuery = z
  .object({
    desde: isoDateTime.optional().meta({ description: 'Desde esta fecha (incluida).' }),
    hasta: isoDateTime.optional().meta({ description: 'Hasta esta fecha (incluida).' }),
  })
  .strict()
  .refine((q) => !q.desde || !q.hasta || Date.parse(q.desde) <= Date.parse(q.hasta), {
    message: 'Debe ser igual o posterior a desde',
    path: ['hasta'],
  });

export const integrationsReportSchema = z
  .object({
    desde: fecha.nullable(),
    hasta: fecha.nullable(),
    total_sincronizaciones: count(
      'Sincronizaciones con el ERP terminadas que empezaron en el intervalo.',
    ),
    exitosas: count('De ellas, completadas.'),
    fallidas: count('De ellas, fallidas.'),
    canceladas: count('De ellas, canceladas.'),
    tasa_exito: percentage.meta({
      description: 'exitosas / total_sincronizaciones, en porcentaje; null sin sincronizaciones.',
    }),
    ultima_sincronizacion: fecha.nullable().meta({
      description: 'Cuándo terminó la última sincronización (fuera o dentro del intervalo).',
    }),
    proxima_sincronizacion: fecha.nullable().meta({
      description:
        'Cuándo toca la siguiente programada; null si el ERP no está configurado o su programación está parada.',
    }),
    erp: z.object({
      configurado: z.boolean(),
      activo: z.boolean().meta({ description: 'Si se sincroniza según la programación.' }),
      cada_segundos: z.number().int().nullable(),
      en_curso: z.boolean().meta({ description: 'Si hay una sincronización en marcha ahora.' }),
      ultima: z
        .object({
          id: z.number().int(),
          tipo: z.enum(ERP_RUN_KINDS),
          estado: z.enum(['COMPLETADA', 'FALLIDA', 'CANCELADA']),
          fecha_inicio: fecha,
          fecha_fin: fecha.nullable(),
          error: z.string().nullable(),
        })
        .nullable(),
    }),
    webhooks: z.object({
      entregadas: count('Entregas que llegaron a su receptor (respuesta 2xx) en el intervalo.'),
      fallidas: count(
        'Entregas que agotaron sus reintentos (FALLIDO) con su último intento en el intervalo.',
      ),
      intentos_fallidos: count(
        'Intentos de entrega fallidos en el intervalo (casi todos se reintentan).',
      ),
      pendientes: count(
        'Entregas que esperan ahora (en cola, a la espera de reintento o enviándose).',
      ),
      tasa_exito: percentage.meta({
        description: 'entregadas / (entregadas + fallidas), en porcentaje; null si no hay ninguna.',
      }),
    }),
    llamadas_api: z.object({
      total: count('Llamadas a /api/external/ y /api/reportes/ en el intervalo.'),
      exitosas: count('Respondidas sin error.'),
      errores: count('Respondidas con un error 4xx o 5xx.'),
      por_sistema: z.array(
        z.object({
          sistema: z.string().meta({
            description: 'El sistema de la clave API; «desconocido» sin una clave válida.',
          }),
          total: z.number().int(),
          exitosas: z.number().int(),
          errores: z.number().int(),
        }),
      ),
    }),
  })
  .meta({ id: 'ReporteIntegraciones' });

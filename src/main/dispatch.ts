import { type z } from 'zod';
import {
  contract,
  isHandlerName,
  type HandlerName,
  type HandlerParsedInput,
  type HandlerResult,
} from '../shared/contract';
import { AppError, serializeError, type Envelope } from '../shared/errors';
import type { Logger } from './logger';

/** Who is calling, as recorded on what they change (`aprobado_por`, `creado_por`). */
export interface CallContext {
  actor: string;
}

export type Handlers = {
  [K in HandlerName]: (
    input: HandlerParsedInput<K>,
    ctx: CallContext,
  ) => HandlerResult<K> | Promise<HandlerResult<K>>;
};

export type Dispatch = (
  name: string,
  rawInput: unknown,
  ctx: CallContext,
) => Promise<Envelope<unknown>>;

/**
 * The single entry for every transport (Electron IPC, the loopback bridge, tests): refuses
 * unknown names, validates the input against the contract, runs the handler and turns any
 * failure into a serialized error. Unexpected errors are logged with their cause and reach
 * the caller only as INTERNAL.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (name, rawInput, ctx) => {
    if (!isHandlerName(name)) {
      return failure(new AppError('UNKNOWN_HANDLER', `Operación desconocida: ${truncate(name)}`));
    }
    const parsed = contract[name].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return failure(validationError(parsed.error));
    }
    try {
      const run = handlers[name] as (input: unknown, ctx: CallContext) => unknown;
      return { ok: true, result: await run(parsed.data, ctx) };
    } catch (error) {
      if (!(error instanceof AppError)) log.error(`handler ${name} failed`, error);
      return failure(error);
    }
  };
}

export function validationError(error: z.ZodError): AppError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '(entrada)';
    details[path] ??= issue.message;
  }
  const fields = Object.keys(details).join(', ');
  return new AppError('VALIDATION', `Datos no válidos: ${fields}`, details);
}

function failure(error: unknown): Envelope<never> {
  return { ok: false, error: serializeError(error) };
}

function truncate(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

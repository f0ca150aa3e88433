// Errors cross every boundary (IPC, bridge, CLI) as plain data, never as a stack trace.

export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'UNKNOWN_HANDLER',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'DATABASE_CORRUPT',
  'DATABASE_READONLY',
  'DATABASE_NEWER',
  'MIGRATION_MISMATCH',
  'DATA_DIR_IN_USE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SerializedError {
  code: ErrorCode;
  /** Spanish, written for the person who reads it. */
  message: string;
  /** For VALIDATION: field path → message. */
  details?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: Record<string, string>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    if (details) this.details = details;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string'
  );
}

/** Any thrown value as data safe to show: AppErrors keep their code; anything else is INTERNAL. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) {
    return error.details
      ? { code: error.code, message: error.message, details: error.details }
      : { code: error.code, message: error.message };
  }
  return {
    code: 'INTERNAL',
    message: 'Error interno. El detalle quedó en el registro de la aplicación.',
  };
}

/** The result of a handler call as it travels over IPC or the bridge. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: SerializedError };

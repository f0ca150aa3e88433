import type { TFunction } from 'i18next';
import { ClientError } from '../../../shared/client';
import { useTranslation } from 'react-i18next';

const TRANSLATED_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
type TranslatedCode = (typeof TRANSLATED_CODES)[number];

function isTranslatedCode(code: string): code is TranslatedCode {
  return (TRANSLATED_CODES as readonly string[]).includes(code);
}

/**
 * What the user reads for a failed call. The core's message is Spanish and always shown; the
 * English UI adds a short English prefix for the codes it knows. Anything that is not a
 * ClientError is a bug in the UI itself and gets a generic sentence, never a stack trace.
 */
export function errorMessage(error: unknown, t: TFunction, language: string): string {
  if (!(error instanceof ClientError)) return t('errors.unexpected');
  if (language.startsWith('es') || !isTranslatedCode(error.code)) return error.message;
  return `${t(`errors.codes.${error.code}`)} — ${error.message}`;
}

/** Field errors of a VALIDATION (or CONFLICT) answer, keyed by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  return error instanceof ClientError && error.details ? error.details : {};
}

/** errorMessage bound to the current language, for components. */
export function useErrorMessage(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error) => errorMessage(error, t, i18n.language);
}

/**
 * The error to show above a form, if any. A VALIDATION answer whose fields are all shown next to
 * their inputs needs nothing more; any other error (a duplicate código, a stopped service) does,
 * because its message says more than the field marker.
 */
export function formLevelError(error: Error | null, fields: readonly string[]): Error | null {
  if (!error) return null;
  const details = fieldErrors(error);
  const placed =
    Object.keys(details).length > 0 && Object.keys(details).every((k) => fields.includes(k));
  return error instanceof ClientError && error.code === 'VALIDATION' && placed ? null : error;
}

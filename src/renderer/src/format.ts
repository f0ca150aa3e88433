import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { es: 'es-ES', en: 'en-GB' };

/** The Intl locale for the UI's language. */
export function uiLocale(language: string): string {
  return LOCALES[language] ?? language;
}

export interface Formatters {
  dateTime(iso: string | null | undefined): string;
  /** To the second, for what happens seconds apart (webhook attempts and their retries). */
  dateTimeSeconds(iso: string | null | undefined): string;
  /** The day only, for dates where the time says little (a key's creation or expiry). */
  date(iso: string | null | undefined): string;
  number(value: number | null | undefined): string;
  /** How long something took: "450 ms", "3,2 s", "2 min 5 s". */
  duration(ms: number | null | undefined): string;
}

/** Dates and numbers in the UI language's local format. */
export function useFormatters(): Formatters {
  const { i18n } = useTranslation();
  const locale = uiLocale(i18n.language);
  return useMemo(() => {
    const dateFormat = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const secondsFormat = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const dayFormat = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
    const wholeFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    const tenthsFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return {
      dateTime: (iso) => (iso ? dateFormat.format(new Date(iso)) : '—'),
      dateTimeSeconds: (iso) => (iso ? secondsFormat.format(new Date(iso)) : '—'),
      date: (iso) => (iso ? dayFormat.format(new Date(iso)) : '—'),
      number: (value) => (value === null || value === undefined ? '—' : numberFormat.format(value)),
      duration(ms) {
        if (ms === null || ms === undefined) return '—';
        if (ms < 1000) return `${wholeFormat.format(ms)} ms`;
        if (ms < 60_000) return `${tenthsFormat.format(ms / 1000)} s`;
        const minutes = Math.floor(ms / 60_000);
        const seconds = Math.round((ms % 60_000) / 1000);
        return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
      },
    };
  }, [locale]);
}

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CsvDelimiter } from '../../../../shared/imports';
import { uiLocale } from '../../format';

// Sizes, counts and delimiters as the import screens show them, in the UI's language (durations:
// useFormatters).

const DELIMITER_KEYS: Record<CsvDelimiter, 'semicolon' | 'comma' | 'tab' | 'pipe'> = {
  ';': 'semicolon',
  ',': 'comma',
  '\t': 'tab',
  '|': 'pipe',
};

export function delimiterKey(delimiter: CsvDelimiter) {
  return DELIMITER_KEYS[delimiter];
}

export function useImportFormat() {
  const { i18n } = useTranslation();
  const locale = uiLocale(i18n.language);
  return useMemo(() => {
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    return {
      /** 812 B, 14,2 KB, 61,3 MB. */
      bytes(value: number): string {
        if (value < 1024) return `${whole.format(value)} B`;
        if (value < 1024 * 1024) return `${decimal.format(value / 1024)} KB`;
        return `${decimal.format(value / (1024 * 1024))} MB`;
      },
      /** A value read from the file, grouped as a spreadsheet shows it: 1.250,5. */
      decimal(value: number): string {
        return new Intl.NumberFormat(locale, {
          maximumFractionDigits: 6,
          useGrouping: 'always',
        }).format(value);
      },
      /** Whole numbers with grouping (1.000.000 rows): counts, rates. */
      count(value: number): string {
        return new Intl.NumberFormat(locale, {
          maximumFractionDigits: 0,
          useGrouping: 'always',
        }).format(value);
      },
    };
  }, [locale]);
}

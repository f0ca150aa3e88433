import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { es: 'es-ES', en: 'en-GB' };

/** How the ERP page and the Panel write periods, durations and rates. */
export function useErpFormat() {
  const { t, i18n } = useTranslation();
  const locale = LOCALES[i18n.language] ?? i18n.language;
  return useMemo(() => {
    const percentFormat = new Intl.NumberFormat(locale, {
      style: 'percent',
      maximumFractionDigits: 1,
    });
    const secondsFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    return {
      /** A schedule's period: "1 h", "30 min", "1 h 30 min", "2 d". */
      every(seconds: number): string {
        const days = Math.floor(seconds / 86_400);
        const hours = Math.floor((seconds % 86_400) / 3600);
        const minutes = Math.floor((seconds % 3600) / 60);
        const rest = seconds % 60;
        const parts = [
          days ? t('erp.units.days', { count: days }) : '',
          hours ? t('erp.units.hours', { count: hours }) : '',
          minutes ? t('erp.units.minutes', { count: minutes }) : '',
          rest ? t('erp.units.seconds', { count: rest }) : '',
        ].filter(Boolean);
        return parts.join(' ');
      },
      /** A run's length: "450 ms", "3,2 s", "2 min 5 s". */
      duration(ms: number | null): string {
        if (ms === null) return '—';
        if (ms < 1000) return t('erp.units.ms', { n: ms });
        if (ms < 60_000)
          return t('erp.units.secondsDecimal', { n: secondsFormat.format(ms / 1000) });
        const minutes = Math.floor(ms / 60_000);
        const seconds = Math.round((ms % 60_000) / 1000);
        return [
          t('erp.units.minutes', { count: minutes }),
          seconds ? t('erp.units.seconds', { count: seconds }) : '',
        ]
          .filter(Boolean)
          .join(' ');
      },
      /** The time of day only: "04:11". */
      time(iso: string): string {
        return timeFormat.format(new Date(iso));
      },
      /** A percentage given from 0 to 100: "66,7 %". */
      percent(value: number): string {
        return percentFormat.format(value / 100);
      },
    };
  }, [t, locale]);
}

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { uiLocale } from '../../format';

/** How the ERP page and the Panel write periods, times of day and rates. */
export function useErpFormat() {
  const { t, i18n } = useTranslation();
  const locale = uiLocale(i18n.language);
  return useMemo(() => {
    const percentFormat = new Intl.NumberFormat(locale, {
      style: 'percent',
      maximumFractionDigits: 1,
    });
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

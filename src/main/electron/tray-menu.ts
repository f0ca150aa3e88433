import type { Language } from '../../shared/settings';
import { APP_NAME } from '../settings/paths';

// The tray's labels and items. Pure module (no `electron` import); tray.ts builds the menu.

const LABELS: Record<Language, { open: string; quit: string }> = {
  es: { open: `Abrir ${APP_NAME}`, quit: 'Salir' },
  en: { open: `Open ${APP_NAME}`, quit: 'Quit' },
};

export interface TrayActions {
  open(): void;
  quit(): void;
}

export function trayMenuItems(language: Language, actions: TrayActions) {
  const labels = LABELS[language] ?? LABELS.es;
  return [
    { label: labels.open, click: () => actions.open() },
    { type: 'separator' as const },
    { label: labels.quit, click: () => actions.quit() },
  ];
}

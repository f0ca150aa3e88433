import type { Language } from '../../shared/settings';

// The application menu as a template (pure module, no `electron` import). It exists mostly for
// the keyboard: copy/paste/undo in text fields need the Edit roles on macOS, and zoom helps on
// small warehouse screens. Reload and developer tools are there in development only.

const LABELS: Record<Language, { file: string; edit: string; view: string; window: string }> = {
  es: { file: 'Archivo', edit: 'Edición', view: 'Ver', window: 'Ventana' },
  en: { file: 'File', edit: 'Edit', view: 'View', window: 'Window' },
};

type Role =
  | 'appMenu'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom';

export type MenuItemTemplate =
  { role: Role } | { type: 'separator' } | { label: string; submenu: MenuItemTemplate[] };

export function applicationMenuTemplate(options: {
  platform: NodeJS.Platform;
  isDevelopment: boolean;
  language: Language;
}): MenuItemTemplate[] {
  const labels = LABELS[options.language] ?? LABELS.es;
  const isMac = options.platform === 'darwin';
  const separator = { type: 'separator' } as const;
  const menu: MenuItemTemplate[] = [];
  if (isMac) menu.push({ role: 'appMenu' });
  else menu.push({ label: labels.file, submenu: [{ role: 'quit' }] });
  menu.push({
    label: labels.edit,
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  menu.push({
    label: labels.view,
    submenu: [
      ...(options.isDevelopment
        ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, separator]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  });
  if (isMac) {
    menu.push({
      label: labels.window,
      submenu: [{ role: 'minimize' }, { role: 'zoom' }, { role: 'close' }],
    });
  }
  return menu;
}

import { Menu, Tray, nativeImage } from 'electron';
import type { Language } from '../../shared/settings';
import { APP_NAME } from '../settings/paths';
import { trayMenuItems, type TrayActions } from './tray-menu';

export interface AppTray {
  setLanguage(language: Language): void;
  destroy(): void;
}

/** The tray icon that keeps the app reachable while its window is hidden. */
export function createAppTray(iconPath: string, language: Language, actions: TrayActions): AppTray {
  const size = process.platform === 'linux' ? 24 : 16;
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: size, height: size }));
  tray.setToolTip(APP_NAME);
  const setLanguage = (next: Language) =>
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuItems(next, actions)));
  setLanguage(language);
  // Windows and most Linux trays: a click on the icon brings the window back.
  tray.on('click', () => actions.open());
  return {
    setLanguage,
    destroy: () => tray.destroy(),
  };
}

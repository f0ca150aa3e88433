// The main window's construction options. Pure module (no `electron` import) so the security
// settings are pinned by a test; window.ts passes the result to `new BrowserWindow`.

import { APP_NAME } from '../settings/paths';

export interface MainWindowOptionsInput {
  preloadPath: string;
  iconPath?: string;
}

export function mainWindowOptions({ preloadPath, iconPath }: MainWindowOptionsInput) {
  return {
    title: APP_NAME,
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  } as const;
}

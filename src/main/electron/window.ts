import { BrowserWindow } from 'electron';
import type { Logger } from '../logger';
import { rendererEntryUrl, type RendererTarget } from './trusted-url';
import { mainWindowOptions } from './window-options';

export interface MainWindowOptions {
  target: RendererTarget;
  preloadPath: string;
  iconPath: string;
  log: Logger;
  /** While the app keeps running (not quitting), closing the window only hides it. */
  hideOnClose: () => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { log } = options;
  const window = new BrowserWindow(
    mainWindowOptions({ preloadPath: options.preloadPath, iconPath: options.iconPath }),
  );
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (!options.hideOnClose()) return;
    // The API, the webhook dispatcher and the schedulers keep running; the tray brings it back.
    event.preventDefault();
    window.hide();
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error(`renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  window.webContents.on('did-fail-load', (_event, code, description, _url, isMainFrame) => {
    if (isMainFrame) log.error(`the app page failed to load: ${description} (${code})`);
  });
  window.loadURL(rendererEntryUrl(options.target)).catch((error: unknown) => {
    log.error('the app page could not be loaded', error);
  });
  return window;
}

/** Brings the window back from the tray, the taskbar or behind other windows. */
export function revealWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

import {
  app,
  dialog,
  ipcMain,
  Menu,
  Notification,
  safeStorage,
  session,
  type BrowserWindow,
} from 'electron';
import { join } from 'node:path';
import { IPC_PUSH_CHANNEL, type PushEvents } from '../shared/contract';
import { serializeError } from '../shared/errors';
import { localActor } from './actor';
import { createCore, type Core } from './core';
import { createConsoleLogger } from './logger';
import { acquireServeLock, type ServeLock } from './serve-lock';
import { APP_NAME } from './settings/paths';
import { applicationMenuTemplate } from './electron/app-menu';
import { ensureDataDir, resolveDesktopDataDir } from './electron/data-dir';
import { createFileDialogs } from './electron/file-dialogs';
import { createSafeStorageSecretBox } from './electron/secret-box';
import { forwardPushMessages, registerIpcHandlers } from './electron/ipc-handlers';
import { guardAllWebContents, hardenSession } from './electron/security';
import { createElectronSettingsStore } from './electron/settings-store';
import { createShutdown } from './electron/shutdown';
import { createAppTray, type AppTray } from './electron/tray';
import { isTrustedSenderFrame, resolveRendererTarget } from './electron/trusted-url';
import { createMainWindow, revealWindow } from './electron/window';

// Electron entry: lifecycle and wiring only. The core is the same one `gsih serve` runs; this
// process adds a window, a tray and the IPC transport, and keeps serving while the window is
// hidden. Everything with a decision in it lives in a tested module under ./electron.

const log = createConsoleLogger();

// userData (and with it the single-instance lock and the default data directory) is named
// after the product, the folder `gsih` computes without Electron (settings/paths.ts).
app.setName(APP_NAME);
app.setPath('userData', join(app.getPath('appData'), APP_NAME));

let core: Core | undefined;
let lock: ServeLock | undefined;
let tray: AppTray | undefined;
let window: BrowserWindow | undefined;
let quitting = false;
let exitCode = 0;
const cleanups: Array<() => void> = [];

const shutdown = createShutdown(
  () => [
    { name: 'ipc and push', run: () => cleanups.splice(0).forEach((cleanup) => cleanup()) },
    { name: 'service log', run: () => logServiceEvent('parada') },
    { name: 'core', run: () => core?.stop() },
    { name: 'serve lock', run: () => lock?.release() },
    { name: 'tray', run: () => tray?.destroy() },
  ],
  { log },
);

if (!app.requestSingleInstanceLock()) {
  // Another window of the app is already open: it is brought forward (second-instance there).
  app.quit();
} else {
  app.on('second-instance', () => window && revealWindow(window));
  app.on('activate', () => window && revealWindow(window));
  // Quit (tray, menu, Cmd+Q, OS logout) waits for the core to flush and close its database.
  app.on('before-quit', (event) => {
    quitting = true;
    event.preventDefault();
    void shutdown().then(() => app.exit(exitCode));
  });
  app
    .whenReady()
    .then(startDesktop)
    .catch((error: unknown) => {
      log.error('the app could not start', error);
      dialog.showErrorBox(`${APP_NAME} no se pudo iniciar`, serializeError(error).message);
      exitCode = 1;
      app.quit();
    });
}

async function startDesktop(): Promise<void> {
  const dataDir = resolveDesktopDataDir({
    argv: process.argv,
    env: process.env,
    cwd: process.cwd(),
    defaultDir: app.getPath('userData'),
  });
  ensureDataDir(dataDir);
  lock = acquireServeLock(dataDir, { mode: 'desktop' });
  const settings = createElectronSettingsStore(dataDir);
  core = await createCore({
    dataDir,
    settingsStore: settings,
    headless: false,
    logger: log,
    // Set by `npm start` when it built better-sqlite3 for Electron's ABI.
    nativeBinding: process.env.GSIH_SQLITE_BINDING || undefined,
    importWorkerFile: join(__dirname, 'import-worker.js'),
    // The ERP's credentials are encrypted with the OS key store where there is one.
    secretBox: createSafeStorageSecretBox(safeStorage),
    // The CSV import's open and save dialogs, modal to the window, in the saved language.
    fileDialogs: createFileDialogs(
      dialog,
      () => (window && !window.isDestroyed() ? window : undefined),
      () => settings.get().language,
    ),
    // Staff are told even with the window hidden in the tray; the app also shows a banner.
    onWebhookDisabled: (webhook) => {
      if (!Notification.isSupported()) return;
      const notice = new Notification({
        title: `Webhook «${webhook.nombre}» desactivado`,
        body: webhook.motivo,
      });
      notice.on('click', () => window && revealWindow(window));
      notice.show();
    },
  });
  const running = core;
  // The API listens where Ajustes says; if it cannot (port in use), the app still opens and
  // Ajustes and Claves API show why.
  await running.start();
  const api = running.apiStatus();
  if (api.escuchando) lock.update({ api: api.direcciones[0] });
  logServiceEvent('inicio');

  const target = resolveRendererTarget({
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
    rendererDir: join(__dirname, '../renderer'),
  });
  hardenSession(session.defaultSession, target, log);
  guardAllWebContents(target, log);
  cleanups.push(
    registerIpcHandlers(ipcMain, running.dispatch, (frame) => isTrustedSenderFrame(frame, target), {
      actor: localActor('ui'),
      log,
    }),
    forwardPushMessages(
      (listener) => running.subscribe(listener),
      // Only the app's own window: no other page ever receives core data.
      () => (window && !window.isDestroyed() ? [window.webContents] : []),
      IPC_PUSH_CHANNEL,
      log,
    ),
  );

  const { language } = settings.get();
  const isDevelopment = target.kind === 'dev';
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate({ platform: process.platform, isDevelopment, language }),
    ),
  );
  const iconPath = join(app.getAppPath(), 'resources', 'icon.png');
  window = createMainWindow({
    target,
    preloadPath: join(__dirname, '../preload/index.js'),
    iconPath,
    log,
    hideOnClose: () => !quitting,
  });
  const appTray = createAppTray(iconPath, language, {
    open: () => window && revealWindow(window),
    quit: () => app.quit(),
  });
  tray = appTray;
  cleanups.push(
    running.subscribe((message) => {
      if (message.event !== 'settings/changed') return;
      appTray.setLanguage((message.payload as PushEvents['settings/changed']).language);
    }),
  );
}

function logServiceEvent(evento: 'inicio' | 'parada'): void {
  core?.services.log.write({
    sistema: 'GSIH',
    tipo: 'servicio',
    estado: 'INFO',
    datos_enviados: { evento, modo: 'escritorio' },
  });
}

import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HANDLER_NAMES, IPC_PUSH_CHANNEL } from '../../../src/shared/contract';
import { InMemoryIpcMain } from './in-memory-ipc';

// The wiring of src/main/index.ts, run against a stand-in for the `electron` module because no
// Electron binary can run here. Everything behind the shell is real: the core on a temp data
// directory, electron-store, the serve lock, the IPC loop. What the fake cannot tell (that
// Electron honours these options) is left to a machine with Electron.

interface Recorded {
  notifications: Array<{ title: string; body: string }>;
  quitEvents: number;
  exitCode: Promise<number>;
  errorBoxes: Array<[string, string]>;
  windows: FakeWindow[];
  trays: number;
  permissionRequest?: (
    wc: unknown,
    permission: string,
    cb: (granted: boolean) => void,
    details: unknown,
  ) => void;
  headersReceived?: (
    details: { responseHeaders?: Record<string, string[]> },
    cb: (r: unknown) => void,
  ) => void;
  openExternal: (url: string) => Promise<void>;
  openDialogs: Array<{ window: unknown; title: string }>;
  openDialogAnswer: string | null;
}

class FakeWebContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  windowOpenHandler?: (details: { url: string }) => { action: string };
  isDestroyed = () => false;
  send(channel: string, message: unknown) {
    this.sent.push([channel, message]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

class FakeWindow extends EventEmitter {
  webContents = new FakeWebContents();
  visible = false;
  loadedUrl?: string;
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    fake.recorded.windows.push(this);
    fake.app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  restore() {}
  isMinimized = () => false;
  isDestroyed = () => false;
}

const fake = vi.hoisted(
  () =>
    ({}) as {
      app: FakeApp;
      ipcMain: InMemoryIpcMain;
      recorded: Recorded;
    },
);

vi.mock('electron', () => ({
  get app() {
    return fake.app;
  },
  get ipcMain() {
    return fake.ipcMain;
  },
  BrowserWindow: FakeWindow,
  dialog: {
    showErrorBox: (title: string, text: string) => fake.recorded.errorBoxes.push([title, text]),
    showOpenDialog: (window: unknown, options: { title: string }) => {
      fake.recorded.openDialogs.push({ window, title: options.title });
      const path = fake.recorded.openDialogAnswer;
      return Promise.resolve({ canceled: path === null, filePaths: path ? [path] : [] });
    },
  },
  Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => {} },
  // No key store here: the ERP's credentials are kept as given (src/main/electron/secret-box.ts).
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: () => {
      throw new Error('no key store');
    },
    decryptString: () => {
      throw new Error('no key store');
    },
  },
  Tray: class {
    constructor() {
      fake.recorded.trays++;
    }
    setToolTip() {}
    setContextMenu() {}
    on() {}
    destroy() {}
  },
  nativeImage: { createFromPath: () => ({ resize: () => ({}) }) },
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(private readonly options: { title: string; body: string }) {}
    on() {}
    show() {
      fake.recorded.notifications.push(this.options);
    }
  },
  shell: {
    openExternal: (url: string) => fake.recorded.openExternal(url),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Recorded['permissionRequest']) =>
        (fake.recorded.permissionRequest = h),
      setPermissionCheckHandler: () => {},
      setDevicePermissionHandler: () => {},
      webRequest: {
        onHeadersReceived: (h: Recorded['headersReceived']) => (fake.recorded.headersReceived = h),
      },
    },
  },
}));

type FakeApp = ReturnType<typeof createFakeApp>;

function createFakeApp(appData: string, exit: (code: number) => void, recorded: Recorded) {
  const paths = new Map([['appData', appData]]);
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setName: () => {},
    getPath: (name: string) => paths.get(name) ?? join(appData, name),
    setPath: (name: string, value: string) => void paths.set(name, value),
    getAppPath: () => resolve('.'),
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit: () => {
      recorded.quitEvents++;
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) exit(0);
    },
    exit: (code = 0) => exit(code),
  });
  return app;
}

function createFakeElectron(appData: string) {
  let exit!: (code: number) => void;
  const recorded: Recorded = {
    notifications: [],
    quitEvents: 0,
    exitCode: new Promise((resolve) => (exit = resolve)),
    errorBoxes: [],
    windows: [],
    trays: 0,
    openExternal: vi.fn((_url: string) => Promise.resolve()),
    openDialogs: [],
    openDialogAnswer: null,
  };
  const app = createFakeApp(appData, exit, recorded);
  fake.app = app;
  fake.ipcMain = new InMemoryIpcMain();
  fake.recorded = recorded;
  return recorded;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('desktop main process wiring (src/main/index.ts)', () => {
  let temp: string;
  let dataDir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    vi.resetModules();
    temp = mkdtempSync(join(tmpdir(), 'gsih-desktop-'));
    dataDir = join(temp, 'datos');
    process.env.GSIH_DATA_DIR = dataDir;
    // The desktop app starts the external API where Ajustes says: here, a free loopback port.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ apiHost: '127.0.0.1', apiPort: 0 }),
    );
    // electron-store requires the real `electron` package: keep it from downloading (see settings-store.test).
    process.env.ELECTRON_OVERRIDE_DIST_PATH = join(temp, 'no-electron');
    delete process.env.ELECTRON_RENDERER_URL;
    delete process.env.GSIH_SQLITE_BINDING;
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    rmSync(temp, { recursive: true, force: true });
  });

  it('starts the core behind a hardened window, serves IPC, and on quit stops it and releases the lock', async () => {
    const recorded = createFakeElectron(join(temp, 'appData'));
    await import('../../../src/main/index');
    await waitFor(
      () => recorded.windows.length === 1 && recorded.trays === 1,
      'the window and the tray',
    );

    // The same lock `gsih serve` takes.
    expect(JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      mode: 'desktop',
    });
    expect(existsSync(join(dataDir, 'gsih.db'))).toBe(true);
    const lockInfo = JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8')) as {
      api: string;
    };
    expect(lockInfo.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${lockInfo.api}api/health`)).status).toBe(200);

    const [window] = recorded.windows;
    const indexHtml = resolve('src/main', '../renderer', 'index.html');
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: resolve('src/main', '../preload/index.js'),
    });
    expect(window!.loadedUrl).toBe(pathToFileURL(indexHtml).href);
    window!.emit('ready-to-show');
    expect(window!.visible).toBe(true);

    // IPC: every handler registered; the app page is served, anything else refused.
    expect(fake.ipcMain.handlers.size).toBe(HANDLER_NAMES.length);
    const appInfo = fake.ipcMain.handlers.get('gsih:app/info')!;
    const fromApp = { senderFrame: { url: `${pathToFileURL(indexHtml).href}#/`, parent: null } };
    expect(await appInfo(fromApp, {})).toMatchObject({
      ok: true,
      result: { headless: false, data_dir: dataDir },
    });
    const fromElsewhere = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await appInfo(fromElsewhere, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // Push messages reach the window.
    await fake.ipcMain.handlers.get('gsih:settings/update')!(fromApp, { language: 'en' });
    expect(window!.webContents.sent).toContainEqual([
      IPC_PUSH_CHANNEL,
      { event: 'settings/changed', payload: expect.objectContaining({ language: 'en' }) },
    ]);

    // The page cannot leave the app or open windows; http(s) links go to the system browser.
    const navigation = { url: 'https://example.com/docs', preventDefault: vi.fn() };
    window!.webContents.emit('will-navigate', navigation);
    expect(navigation.preventDefault).toHaveBeenCalled();
    expect(recorded.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(window!.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    expect(recorded.openExternal).toHaveBeenCalledTimes(1);
    const inApp = { url: `${pathToFileURL(indexHtml).href}#/ajustes`, preventDefault: vi.fn() };
    window!.webContents.emit('will-navigate', inApp);
    expect(inApp.preventDefault).not.toHaveBeenCalled();

    // Permissions denied; the CSP header is put on responses.
    const granted = await new Promise((r) =>
      recorded.permissionRequest!({}, 'media', r, { requestingUrl: inApp.url, isMainFrame: true }),
    );
    expect(granted).toBe(false);
    const headers = await new Promise<{ responseHeaders: Record<string, string[]> }>((r) =>
      recorded.headersReceived!({ responseHeaders: {} }, r as (x: unknown) => void),
    );
    expect(headers.responseHeaders['Content-Security-Policy']![0]).toMatch(/script-src 'self'/);

    // Closing the window hides it; the core keeps serving.
    const close = { preventDefault: vi.fn() };
    window!.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(window!.visible).toBe(false);
    expect(await appInfo(fromApp, {})).toMatchObject({ ok: true });

    // Quit: before-quit is held until the core has stopped and the lock is released.
    fake.app.quit();
    expect(await recorded.exitCode).toBe(0);
    expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
    expect(fake.ipcMain.handlers.size).toBe(0);
    const closing = { preventDefault: vi.fn() };
    window!.emit('close', closing);
    expect(closing.preventDefault).not.toHaveBeenCalled();
  });

  it('tells the staff with a desktop notification when a webhook endpoint is disabled', async () => {
    const { createServer } = await import('node:http');
    const receiver = createServer((_req, res) => res.writeHead(410).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    try {
      const recorded = createFakeElectron(join(temp, 'appData'));
      await import('../../../src/main/index');
      await waitFor(() => recorded.windows.length === 1, 'the window');
      const indexHtml = resolve('src/main', '../renderer', 'index.html');
      const fromApp = { senderFrame: { url: pathToFileURL(indexHtml).href, parent: null } };
      const invoke = (name: string, input: unknown) =>
        fake.ipcMain.handlers.get(`gsih:${name}`)!(fromApp, input);
      await invoke('webhooks/create', {
        nombre: 'Compras',
        url: `http://127.0.0.1:${port}/`,
        eventos: ['stock_bajo'],
      });
      await invoke('webhooks/test', { id: 1 });
      await waitFor(() => recorded.notifications.length === 1, 'the notification');
      expect(recorded.notifications[0]).toEqual({
        title: 'Webhook «Compras» desactivado',
        body: 'El receptor respondió 410 Gone: ya no acepta entregas.',
      });
      fake.app.quit();
      expect(await recorded.exitCode).toBe(0);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('picks the CSV file to import with the native dialog, modal to the window, and previews it by token', async () => {
    const recorded = createFakeElectron(join(temp, 'appData'));
    const csv = join(temp, 'artículos.csv');
    writeFileSync(csv, 'Código;Nombre\nV-1;Válvula\n');
    recorded.openDialogAnswer = csv;
    await import('../../../src/main/index');
    await waitFor(() => recorded.windows.length === 1, 'the window');
    const indexHtml = resolve('src/main', '../renderer', 'index.html');
    const fromApp = { senderFrame: { url: pathToFileURL(indexHtml).href, parent: null } };
    const invoke = (name: string, input: unknown) =>
      fake.ipcMain.handlers.get(`gsih:${name}`)!(fromApp, input) as Promise<{
        ok: boolean;
        result: Record<string, unknown>;
      }>;

    const picked = await invoke('imports/pickFile', {});
    expect(picked).toMatchObject({ ok: true, result: { nombre: 'artículos.csv' } });
    expect(recorded.openDialogs).toEqual([
      { window: recorded.windows[0], title: 'Elegir el archivo CSV que importar' },
    ]);
    const preview = await invoke('imports/preview', {
      archivo: picked.result.archivo,
      tipo: 'articulos',
    });
    expect(preview).toMatchObject({
      ok: true,
      result: { cabeceras: ['Código', 'Nombre'], faltan: [] },
    });
    fake.app.quit();
    expect(await recorded.exitCode).toBe(0);
  });

  it('shows the Spanish reason and exits when another process serves the data directory', async () => {
    const recorded = createFakeElectron(join(temp, 'appData'));
    mkdirSync(dataDir, { recursive: true });
    const holder = { pid: process.ppid, started: new Date().toISOString(), mode: 'headless' };
    writeFileSync(join(dataDir, 'serve.lock'), JSON.stringify(holder));

    await import('../../../src/main/index');
    expect(await recorded.exitCode).toBe(1);
    expect(recorded.errorBoxes).toEqual([
      [
        'GSIH Integraciones no se pudo iniciar',
        expect.stringContaining('ya lo está sirviendo otro proceso'),
      ],
    ]);
    expect(recorded.windows).toHaveLength(0);
    // The other process's lock is left alone.
    expect(JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8'))).toMatchObject({
      pid: process.ppid,
    });
  });

  it('shows the Spanish reason and exits when the database file is not a GSIH database', async () => {
    const recorded = createFakeElectron(join(temp, 'appData'));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'gsih.db'), 'esto no es una base de datos'.repeat(200));

    await import('../../../src/main/index');
    expect(await recorded.exitCode).toBe(1);
    expect(recorded.errorBoxes[0]![1]).toMatch(/dañado|no es una base de datos/);
    expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
  });
});

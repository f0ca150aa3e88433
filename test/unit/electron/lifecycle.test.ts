import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  applicationMenuTemplate,
  type MenuItemTemplate,
} from '../../../src/main/electron/app-menu';
import {
  dataDirFromArgv,
  ensureDataDir,
  resolveDesktopDataDir,
} from '../../../src/main/electron/data-dir';
import { createShutdown } from '../../../src/main/electron/shutdown';
import { trayMenuItems } from '../../../src/main/electron/tray-menu';
import type { Logger } from '../../../src/main/logger';
import { AppError } from '../../../src/shared/errors';

const silent: Logger = { info() {}, warn() {}, error() {} };

describe('desktop data directory', () => {
  const base = { env: {}, cwd: '/home/ana', defaultDir: '/home/ana/.config/GSIH Integraciones' };

  it('uses --data-dir, then GSIH_DATA_DIR, then the userData folder', () => {
    const env = { GSIH_DATA_DIR: '/srv/gsih-env' };
    expect(
      resolveDesktopDataDir({ ...base, env, argv: ['electron', '.', '--data-dir', '/srv/a'] }),
    ).toBe('/srv/a');
    expect(
      resolveDesktopDataDir({ ...base, env, argv: ['electron', '.', '--data-dir=/srv/b'] }),
    ).toBe('/srv/b');
    expect(resolveDesktopDataDir({ ...base, env, argv: ['electron', '.'] })).toBe('/srv/gsih-env');
    expect(resolveDesktopDataDir({ ...base, argv: ['electron', '.'] })).toBe(base.defaultDir);
    expect(resolveDesktopDataDir({ ...base, env: { GSIH_DATA_DIR: '  ' }, argv: [] })).toBe(
      base.defaultDir,
    );
  });

  it('resolves a relative folder against the working directory', () => {
    expect(resolveDesktopDataDir({ ...base, argv: ['--data-dir', 'datos'] })).toBe(
      resolve('/home/ana', 'datos'),
    );
  });

  it('ignores Chromium switches and lets the last --data-dir win', () => {
    expect(
      dataDirFromArgv(['--no-sandbox', '--data-dir', '/a', '--inspect=9229', '--data-dir=/b']),
    ).toBe('/b');
    expect(dataDirFromArgv(['--', '--data-dir', '/a'])).toBeUndefined();
  });

  it('refuses --data-dir without a folder, in Spanish', () => {
    for (const argv of [['--data-dir'], ['--data-dir', '--other'], ['--data-dir=']]) {
      expect(() => dataDirFromArgv(argv)).toThrow(
        new AppError('VALIDATION', '--data-dir necesita una carpeta'),
      );
    }
  });

  it('creates the data directory, and reports one it cannot create in Spanish', () => {
    const temp = mkdtempSync(join(tmpdir(), 'gsih-datadir-'));
    try {
      ensureDataDir(join(temp, 'a', 'b'));
      expect(statSync(join(temp, 'a', 'b')).isDirectory()).toBe(true);
      writeFileSync(join(temp, 'file'), '');
      expect(() => ensureDataDir(join(temp, 'file', 'sub'))).toThrow(
        /No se puede crear el directorio de datos/,
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe('createShutdown', () => {
  it('runs every step once, in order, even when a step fails, and logs the failure', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const log: Logger = { ...silent, error: (m) => errors.push(m) };
    const shutdown = createShutdown(
      () => [
        {
          name: 'core',
          run: async () => {
            order.push('core');
            throw new Error('flush failed');
          },
        },
        { name: 'serve lock', run: () => order.push('lock') },
      ],
      { log },
    );
    const first = shutdown();
    const second = shutdown();
    await Promise.all([first, second]);
    await shutdown();
    expect(order).toEqual(['core', 'lock']);
    expect(errors).toEqual(['shutdown step "core" failed']);
  });

  it('moves on from a step that hangs, so quitting cannot block forever', async () => {
    vi.useFakeTimers();
    try {
      const released = vi.fn();
      const shutdown = createShutdown(
        () => [
          { name: 'core', run: () => new Promise(() => {}) },
          { name: 'serve lock', run: released },
        ],
        { log: silent, stepTimeoutMs: 5_000 },
      );
      const done = shutdown();
      await vi.advanceTimersByTimeAsync(5_000);
      await done;
      expect(released).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads its steps when it runs, so resources created later are included', async () => {
    const resources: { lock?: { release(): void } } = {};
    const shutdown = createShutdown(
      () => [{ name: 'serve lock', run: () => resources.lock?.release() }],
      {
        log: silent,
      },
    );
    const release = vi.fn();
    resources.lock = { release };
    await shutdown();
    expect(release).toHaveBeenCalledTimes(1);
  });
});

describe('menus', () => {
  it('offers "Abrir GSIH Integraciones" and "Salir" in the tray, wired to their actions', () => {
    const actions = { open: vi.fn(), quit: vi.fn() };
    const items = trayMenuItems('es', actions);
    expect(items.map((item) => ('label' in item ? item.label : '—'))).toEqual([
      'Abrir GSIH Integraciones',
      '—',
      'Salir',
    ]);
    (items[0] as { click(): void }).click();
    (items[2] as { click(): void }).click();
    expect(actions.open).toHaveBeenCalledTimes(1);
    expect(actions.quit).toHaveBeenCalledTimes(1);
    expect(
      trayMenuItems('en', actions).map((item) => ('label' in item ? item.label : '—')),
    ).toEqual(['Open GSIH Integraciones', '—', 'Quit']);
  });

  const roles = (menu: MenuItemTemplate[]): string[] =>
    menu.flatMap((item) =>
      'role' in item ? [item.role] : 'submenu' in item ? roles(item.submenu) : [],
    );

  it('has reload and developer tools in development only', () => {
    const production = roles(
      applicationMenuTemplate({ platform: 'win32', isDevelopment: false, language: 'es' }),
    );
    expect(production).not.toContain('toggleDevTools');
    expect(production).not.toContain('reload');
    const development = roles(
      applicationMenuTemplate({ platform: 'win32', isDevelopment: true, language: 'es' }),
    );
    expect(development).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });

  it('keeps the edit shortcuts (copy, paste…) on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const all = roles(
        applicationMenuTemplate({ platform, isDevelopment: false, language: 'es' }),
      );
      expect(all).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo']));
      expect(all).toContain(platform === 'darwin' ? 'appMenu' : 'quit');
    }
  });
});

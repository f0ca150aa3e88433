import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createSignalForwarder,
  desktopCommand,
  desktopEnv,
  electronBinaryPath,
  electronSqliteBindingPath,
  exitCodeFor,
  headlessCommand,
} from '../../../scripts/start.mjs';

const electronDir = join('/app', 'node_modules', 'electron');

function probe(files: Record<string, string>, env: Record<string, string | undefined> = {}) {
  return {
    exists: (path: string) => path in files,
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT ${path}`);
      return files[path]!;
    },
    env,
  };
}

describe('npm start: is an Electron binary available?', () => {
  it('is not when the package never downloaded it (no path.txt), as on this machine', () => {
    expect(electronBinaryPath(electronDir, probe({}))).toBeNull();
  });

  it('is not when path.txt names a binary that is missing from dist', () => {
    expect(
      electronBinaryPath(electronDir, probe({ [join(electronDir, 'path.txt')]: 'electron' })),
    ).toBeNull();
  });

  it('is when path.txt and the binary it names both exist', () => {
    const binary = join(electronDir, 'dist', 'electron');
    expect(
      electronBinaryPath(
        electronDir,
        probe({ [join(electronDir, 'path.txt')]: 'electron\n', [binary]: '' }),
      ),
    ).toBe(binary);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const binary = join('/opt', 'electron-45', 'electron');
    const files = { [join(electronDir, 'path.txt')]: 'electron', [binary]: '' };
    expect(
      electronBinaryPath(
        electronDir,
        probe(files, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron-45' }),
      ),
    ).toBe(binary);
  });

  it('checks the real package without downloading anything', () => {
    const found = electronBinaryPath(join(process.cwd(), 'node_modules', 'electron'));
    expect(found === null || typeof found === 'string').toBe(true);
  });
});

describe('npm start: commands', () => {
  it('runs gsih serve with the forwarded arguments when there is no Electron', () => {
    expect(headlessCommand('/app', ['--data-dir', '/srv/datos'], '/usr/bin/node')).toEqual({
      command: '/usr/bin/node',
      args: [join('/app', 'bin', 'gsih.cjs'), 'serve', '--data-dir', '/srv/datos'],
    });
  });

  it('runs Electron on the project with the forwarded arguments and the Electron SQLite binding', () => {
    expect(
      desktopCommand('/app', '/app/node_modules/electron/dist/electron', ['--data-dir', 'x']),
    ).toEqual({
      command: '/app/node_modules/electron/dist/electron',
      args: ['/app', '--data-dir', 'x'],
    });
    const env = desktopEnv(
      { PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' },
      '/app/.electron-native/b.node',
    );
    expect(env).toEqual({ PATH: '/bin', GSIH_SQLITE_BINDING: '/app/.electron-native/b.node' });
  });

  it('keeps the Electron build of better-sqlite3 outside node_modules, per version and ABI', () => {
    const path = electronSqliteBindingPath('/app', {
      electronVersion: '45.5.0',
      abi: '150',
      sqliteVersion: '12.6.2',
      platform: 'linux',
      arch: 'x64',
    });
    expect(path).toBe(
      join(
        '/app',
        '.electron-native',
        'electron-v45.5.0-abi150-linux-x64-better-sqlite3-12.6.2',
        'better_sqlite3.node',
      ),
    );
    expect(path).not.toContain('node_modules');
  });
});

describe('npm start: signals', () => {
  function fakeChild() {
    return {
      exitCode: null as number | null,
      signalCode: null as NodeJS.Signals | null,
      kill: vi.fn(() => true),
    };
  }

  it('forwards SIGINT and SIGTERM to the child', () => {
    const child = fakeChild();
    const forward = createSignalForwarder(child);
    expect(forward('SIGINT')).toBe(true);
    expect(forward('SIGTERM')).toBe(true);
    expect(child.kill.mock.calls).toEqual([['SIGINT'], ['SIGTERM']]);
  });

  it('forwards the same signal once per burst (terminal and npm both send Ctrl+C)', () => {
    let now = 0;
    const child = fakeChild();
    const forward = createSignalForwarder(child, { now: () => now, windowMs: 1_000 });
    forward('SIGINT');
    now = 10;
    expect(forward('SIGINT')).toBe(false);
    now = 2_000;
    expect(forward('SIGINT')).toBe(true);
    expect(child.kill).toHaveBeenCalledTimes(2);
  });

  it('does not signal a child that has already exited', () => {
    const child = { ...fakeChild(), exitCode: 0 };
    expect(createSignalForwarder(child)('SIGTERM')).toBe(false);
    expect(child.kill).not.toHaveBeenCalled();
  });

  it("exits with the child's code, or 128 + the signal that ended it", () => {
    expect(exitCodeFor(0, null)).toBe(0);
    expect(exitCodeFor(2, null)).toBe(2);
    expect(exitCodeFor(null, 'SIGINT')).toBe(130);
    expect(exitCodeFor(null, 'SIGTERM')).toBe(143);
    expect(exitCodeFor(null, null)).toBe(1);
  });
});

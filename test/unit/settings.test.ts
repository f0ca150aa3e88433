import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfSettingsStore } from '../../src/main/settings/store';
import { resolveDataDir, resolveDefaultDataDir } from '../../src/main/settings/paths';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { makeTempDir } from '../fixtures/core';

describe('settings', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('persists to config.json in the data directory', () => {
    const store = createConfSettingsStore(temp.dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.update({ language: 'en', logRetentionDays: 7 });
    expect(store.path).toBe(join(temp.dir, 'config.json'));
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toMatchObject({
      language: 'en',
      logRetentionDays: 7,
    });
    expect(createConfSettingsStore(temp.dir).get()).toMatchObject({
      language: 'en',
      logRetentionDays: 7,
      apiPort: 8787,
    });
  });

  it('updates only the settings a patch names', () => {
    const store = createConfSettingsStore(temp.dir);
    store.update({ apiPort: 9100, logRetentionDays: 7 });
    expect(store.update({ language: 'en' })).toMatchObject({
      language: 'en',
      apiPort: 9100,
      logRetentionDays: 7,
    });
    expect(createConfSettingsStore(temp.dir).get()).toMatchObject({
      language: 'en',
      apiPort: 9100,
      logRetentionDays: 7,
    });
  });

  it('falls back to the default for a hand-edited bad value, keeping the good ones', () => {
    writeFileSync(
      join(temp.dir, 'config.json'),
      JSON.stringify({ language: 'klingon', apiPort: 9001 }),
    );
    expect(createConfSettingsStore(temp.dir).get()).toMatchObject({
      language: 'es',
      apiPort: 9001,
    });
  });

  it('refuses an invalid update without writing it', () => {
    const store = createConfSettingsStore(temp.dir);
    expect(() => store.update({ apiPort: -1 })).toThrow(/apiPort/);
    expect(store.get().apiPort).toBe(8787);
  });

  it('finds the desktop app data folder without Electron', () => {
    expect(resolveDefaultDataDir({}, 'linux', '/home/ana')).toBe(
      '/home/ana/.config/GSIH Integraciones',
    );
    expect(resolveDefaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/ana')).toBe(
      '/x/GSIH Integraciones',
    );
    expect(resolveDefaultDataDir({}, 'darwin', '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/GSIH Integraciones',
    );
    expect(
      resolveDefaultDataDir(
        { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' },
        'win32',
        'C:\\Users\\ana',
      ),
    ).toContain('GSIH Integraciones');
    expect(resolveDataDir('/flag', { GSIH_DATA_DIR: '/env' })).toBe('/flag');
    expect(resolveDataDir(undefined, { GSIH_DATA_DIR: '/env' })).toBe('/env');
  });
});

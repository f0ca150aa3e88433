import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { createElectronSettingsStore as CreateElectronSettingsStore } from '../../../src/main/electron/settings-store';
import { createConfSettingsStore } from '../../../src/main/settings/store';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

// electron-store imports `electron`, which in plain Node is the electron package's index.js: it
// returns the binary's path, downloading the binary first when it is missing (it cannot be here).
// With ELECTRON_OVERRIDE_DIST_PATH set it returns a path without downloading, so electron-store
// loads without the Electron APIs and, given an absolute `cwd`, behaves as in the app.

let createElectronSettingsStore: typeof CreateElectronSettingsStore;
const previousOverride = process.env.ELECTRON_OVERRIDE_DIST_PATH;

beforeAll(async () => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH = join(tmpdir(), 'gsih-no-electron-binary');
  ({ createElectronSettingsStore } = await import('../../../src/main/electron/settings-store'));
});

afterAll(() => {
  if (previousOverride === undefined) delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
  else process.env.ELECTRON_OVERRIDE_DIST_PATH = previousOverride;
});

describe('electron-store settings', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gsih-settings-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the settings in <dataDir>/config.json, starting from the defaults', () => {
    const store = createElectronSettingsStore(dataDir);
    expect(store.path).toBe(join(dataDir, 'config.json'));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.update({ apiPort: 9090, language: 'en' });
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'))).toMatchObject({
      apiPort: 9090,
      language: 'en',
    });
  });

  it('shares the file with the headless conf store, both ways', () => {
    const desktop = createElectronSettingsStore(dataDir);
    const headless = createConfSettingsStore(dataDir);
    desktop.update({ apiPort: 9191 });
    expect(headless.get().apiPort).toBe(9191);
    headless.update({ logRetentionDays: 7 });
    expect(desktop.get()).toMatchObject({ apiPort: 9191, logRetentionDays: 7 });
  });

  it('refuses an invalid patch with a VALIDATION error and keeps the file as it was', () => {
    const store = createElectronSettingsStore(dataDir);
    store.update({ apiPort: 9000 });
    expect(() => store.update({ apiPort: 70_000 } as never)).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(createElectronSettingsStore(dataDir).get().apiPort).toBe(9000);
  });

  it('starts with the defaults from a corrupt file instead of keeping the app from opening', () => {
    writeFileSync(join(dataDir, 'config.json'), '{ no es json');
    expect(createElectronSettingsStore(dataDir).get()).toEqual(DEFAULT_SETTINGS);
  });
});

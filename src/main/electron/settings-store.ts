import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { SETTINGS_FILE } from '../settings/paths';
import { createSettingsStore, type SettingsStore } from '../settings/store';

/**
 * The desktop app's settings: electron-store over `<dataDir>/config.json`, the same file and the
 * same schema (createSettingsStore) as the headless mode's conf store, so `gsih serve` on the
 * same data directory sees the same settings.
 */
export function createElectronSettingsStore(dataDir: string): SettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({
    cwd: dataDir,
    name: SETTINGS_FILE.replace(/\.json$/, ''),
    // As in the conf store: a corrupt file gives the defaults instead of a dead app.
    clearInvalidConfig: true,
  });
  return createSettingsStore({
    get store() {
      return store.store;
    },
    set: (values) => store.set(values),
    path: join(dataDir, SETTINGS_FILE),
  });
}

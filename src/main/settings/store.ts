import Conf from 'conf';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import {
  DEFAULT_SETTINGS,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../shared/settings';
import { validationError } from '../dispatch';
import { SETTINGS_FILE } from './paths';

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  readonly path: string;
}

/** Minimal key-value surface shared by conf and electron-store. */
export interface RawStore {
  readonly store: Record<string, unknown>;
  set(values: Record<string, unknown>): void;
  readonly path: string;
}

/**
 * Settings over conf (headless) or electron-store (desktop), validated by the one shared
 * schema. A hand-edited file with a bad value falls back to that value's default rather than
 * keeping the app from starting.
 */
export function createSettingsStore(raw: RawStore): SettingsStore {
  const read = (): Settings => {
    const stored = raw.store;
    const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      const parsed = settingsSchema.shape[key].safeParse(stored[key]);
      if (stored[key] !== undefined && parsed.success) result[key] = parsed.data;
    }
    return result as Settings;
  };
  return {
    path: raw.path,
    get: read,
    update(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) throw validationError(parsed.error);
      const next = settingsSchema.safeParse({ ...read(), ...parsed.data });
      if (!next.success) throw validationError(next.error);
      try {
        raw.set(parsed.data as Record<string, unknown>);
      } catch (error) {
        throw new AppError(
          'DATABASE_READONLY',
          `No se pudieron guardar los ajustes en ${raw.path}`,
          undefined,
          error,
        );
      }
      return read();
    },
  };
}

export function createConfSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: SETTINGS_FILE.replace(/\.json$/, ''),
    projectName: 'gsih-integraciones',
    // A corrupt file is replaced by defaults instead of stopping the service.
    clearInvalidConfig: true,
  });
  return createSettingsStore({
    get store() {
      return conf.store;
    },
    set: (values) => conf.set(values),
    path: join(dataDir, SETTINGS_FILE),
  });
}

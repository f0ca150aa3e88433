import { mkdirSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { AppError } from '../../shared/errors';
import { join } from 'node:path';

export const APP_NAME = 'GSIH Integraciones';
export const DATABASE_FILE = 'gsih.db';
export const SETTINGS_FILE = 'config.json';

/**
 * The desktop app's own data folder, computed the way Electron computes
 * `app.getPath('userData')`, so the headless mode finds the same data without Electron.
 */
export function resolveDefaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = osHomedir(),
): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(homedir, 'AppData', 'Roaming'), APP_NAME);
  }
  if (platform === 'darwin') {
    return join(homedir, 'Library', 'Application Support', APP_NAME);
  }
  return join(env.XDG_CONFIG_HOME || join(homedir, '.config'), APP_NAME);
}

/** `--data-dir` wins, then `GSIH_DATA_DIR`, then the desktop app's folder. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return flag || env.GSIH_DATA_DIR || resolveDefaultDataDir(env);
}

/** Creates the data directory if needed, with a message staff can act on when it cannot. */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new AppError(
      'DATABASE_READONLY',
      `No se puede crear el directorio de datos ${dataDir}. Compruebe la ruta y los permisos.`,
      undefined,
      error,
    );
  }
}

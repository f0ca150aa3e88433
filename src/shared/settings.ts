import { z } from 'zod';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

function wholeBetween(min: number, max: number, what: string) {
  const message = `Debe ser un número entero de ${min.toLocaleString('es-ES')} a ${max.toLocaleString('es-ES')} ${what}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

function port() {
  const message = 'Debe ser un puerto de 0 a 65535 (0 elige uno libre)';
  return z.number({ error: message }).int(message).min(0, message).max(65535, message);
}

// Each field's rule, without its default: a patch must not fill in what it does not name.
const fields = {
  language: z.enum(LANGUAGES),
  apiHost: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[0-9a-zA-Z.:_-]+$/, 'Dirección no válida'),
  apiPort: port(),
  uiPort: port(),
  logRetentionDays: wholeBetween(1, 3650, 'días'),
  logRetentionMaxRows: wholeBetween(1000, 10_000_000, 'filas'),
};

export const DEFAULT_SETTINGS = {
  language: 'es',
  apiHost: '0.0.0.0',
  apiPort: 8787,
  uiPort: 0,
  logRetentionDays: 30,
  logRetentionMaxRows: 200_000,
} as const satisfies { [K in keyof typeof fields]: z.infer<(typeof fields)[K]> };

/**
 * The one settings schema. The desktop app stores it with electron-store and the headless mode
 * with conf, both as `config.json` in the data directory.
 */
export const settingsSchema = z.object({
  language: fields.language.default(DEFAULT_SETTINGS.language),
  apiHost: fields.apiHost.default(DEFAULT_SETTINGS.apiHost),
  apiPort: fields.apiPort.default(DEFAULT_SETTINGS.apiPort),
  uiPort: fields.uiPort.default(DEFAULT_SETTINGS.uiPort),
  logRetentionDays: fields.logRetentionDays.default(DEFAULT_SETTINGS.logRetentionDays),
  logRetentionMaxRows: fields.logRetentionMaxRows.default(DEFAULT_SETTINGS.logRetentionMaxRows),
});

export type Settings = z.infer<typeof settingsSchema>;

/** What `settings/update` accepts: any subset of the settings, and nothing else. */
export const settingsPatchSchema = z.object(fields).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

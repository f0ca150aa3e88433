import { z } from 'zod';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

// Each field's rule, without its default: a patch must not fill in what it does not name.
const fields = {
  language: z.enum(LANGUAGES),
  apiHost: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[0-9a-zA-Z.:_-]+$/, 'Dirección no válida'),
  apiPort: z.number().int().min(0).max(65535),
  uiPort: z.number().int().min(0).max(65535),
  logRetentionDays: z.number().int().min(1).max(3650),
  logRetentionMaxRows: z.number().int().min(1000).max(10_000_000),
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

import { z } from 'zod';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The one settings schema. The desktop app stores it with electron-store and the headless mode
 * with conf, both as `config.json` in the data directory.
 */
export const settingsSchema = z.object({
  language: z.enum(LANGUAGES).default('es'),
  apiHost: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[0-9a-zA-Z.:_-]+$/, 'Dirección no válida')
    .default('0.0.0.0'),
  apiPort: z.number().int().min(0).max(65535).default(8787),
  uiPort: z.number().int().min(0).max(65535).default(0),
  logRetentionDays: z.number().int().min(1).max(3650).default(30),
  logRetentionMaxRows: z.number().int().min(1000).max(10_000_000).default(200_000),
});

export type Settings = z.infer<typeof settingsSchema>;

/** What `settings/update` accepts: any subset of the settings. */
export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

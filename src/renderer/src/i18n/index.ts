import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
// Types only from shared/settings: its runtime part is the zod schema, which the UI does not need.
import type { Language } from '../../../shared/settings';
import { es } from './es';
import { en } from './en';

const resources = {
  es: { translation: es },
  en: { translation: en },
} satisfies Record<Language, { translation: typeof es }>;
const LANGUAGES = Object.keys(resources) as Language[];

// The saved setting is the source of truth, but it arrives only after the first call to the
// core; the last language used on this machine is remembered so the first paint matches it.
const LANGUAGE_HINT_KEY = 'gsih.language';

function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

function languageHint(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_HINT_KEY);
    return isLanguage(stored) ? stored : 'es';
  } catch {
    // Storage can be disabled by browser policy; Spanish is the default anyway.
    return 'es';
  }
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources,
  lng: languageHint(),
  fallbackLng: 'es',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false }, // React escapes already.
  initAsync: false,
});

/** Switches the UI language (from the settings or a push event) and remembers it. */
export function applyLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_HINT_KEY, language);
  } catch {
    // See languageHint: without storage only the next first paint is affected.
  }
  if (i18n.language !== language) void i18n.changeLanguage(language);
}

export { i18n };

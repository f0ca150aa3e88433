import type { es } from './es';

// Makes t() keys type-checked against the Spanish resources, which every language mirrors.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof es };
  }
}

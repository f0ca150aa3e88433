import { migrationsFromFiles, type Migration } from './migrate';

// Bundled into the build by Vite, so the app needs no .sql files beside it at run time.
const files = import.meta.glob<string>('./migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export const MIGRATIONS: Migration[] = migrationsFromFiles(files);

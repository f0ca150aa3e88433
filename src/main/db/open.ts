import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { migrate, verifyMigrations, type Migration } from './migrate';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  file: string;
  migrations: Migration[];
  now: () => string;
  /** Path to a better_sqlite3.node built for another ABI (the Electron build). */
  nativeBinding?: string;
}

/** Opens the database, sets the pragmas and migrates it; errors come out as Spanish AppErrors. */
export function openDatabase(options: OpenDatabaseOptions): Db {
  let db: Db | undefined;
  try {
    db = new Database(
      options.file,
      options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
    );
    db.pragma('busy_timeout = 5000');
    // Checked before anything writes: a corrupt file or one from a newer version stays untouched.
    verifyMigrations(db, options.migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations, options.now);
    return db;
  } catch (error) {
    db?.close();
    throw toDatabaseError(error, options.file);
  }
}

export function toDatabaseError(error: unknown, file: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new AppError(
        'DATABASE_CORRUPT',
        `El archivo de datos ${file} está dañado o no es una base de datos de GSIH. ` +
          `No se ha modificado; restaure una copia de seguridad o use otro directorio de datos.`,
        undefined,
        error,
      );
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return new AppError(
        'DATABASE_READONLY',
        `No se puede escribir en el archivo de datos ${file}. ` +
          `Compruebe los permisos del archivo y de su carpeta.`,
        undefined,
        error,
      );
    default:
      return error;
  }
}

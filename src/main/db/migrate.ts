import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Migrations from `NNNN_name.sql` entries (file name → content), checked for gaps. */
export function migrationsFromFiles(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([file, sql]) => {
    const base = file.split(/[\\/]/).pop() ?? file;
    const match = FILE_PATTERN.exec(base);
    if (!match) throw new Error(`Migration file name not NNNN_name.sql: ${base}`);
    return { version: Number(match[1]), name: match[2]!, sql };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1..N without gaps: ${m.version}`);
  });
  return migrations;
}

export function migrationsFromDir(dir: string): Migration[] {
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.sql')) files[file] = readFileSync(join(dir, file), 'utf8');
  }
  return migrationsFromFiles(files);
}

export function checksum(sql: string): string {
  // Line endings are normalised so a checkout with CRLF does not look like an edit.
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations, each with its bookkeeping row in one transaction. Refuses a
 * database whose applied migrations were edited, are unknown, or come from a newer version of
 * the app, before changing anything.
 */
export function migrate(db: Database.Database, migrations: Migration[], now: () => string): number {
  verifyMigrations(db, migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);

  const applyOne = db.transaction((migration: Migration) => {
    // Re-checked inside the write transaction: another process may have migrated meanwhile.
    const already = db
      .prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
      .get(migration.version);
    if (already) return;
    db.exec(migration.sql);
    db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
    ).run(migration.version, migration.name, checksum(migration.sql), now());
  });

  for (const migration of migrations) applyOne.immediate(migration);
  return migrations.length;
}

/** Read-only: throws if the database cannot be used with these migrations. */
export function verifyMigrations(db: Database.Database, migrations: Migration[]): void {
  const hasTable = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`)
    .get();
  if (!hasTable) return;
  const applied = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];
  const known = new Map(migrations.map((m) => [m.version, m]));
  const newest = migrations.at(-1)?.version ?? 0;

  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) {
      if (row.version > newest) {
        throw new AppError(
          'DATABASE_NEWER',
          `La base de datos fue creada por una versión más reciente de GSIH Integraciones ` +
            `(esquema ${row.version}, esta versión conoce hasta el ${newest}). ` +
            `Actualice la aplicación; la base de datos no se ha modificado.`,
        );
      }
      throw new AppError(
        'MIGRATION_MISMATCH',
        `La base de datos tiene aplicada una migración desconocida (${row.version}_${row.name}). ` +
          `No se ha modificado nada.`,
      );
    }
    if (migration.name !== row.name || checksum(migration.sql) !== row.checksum) {
      throw new AppError(
        'MIGRATION_MISMATCH',
        `La migración ${row.version}_${row.name} aplicada en la base de datos no coincide con la ` +
          `de esta versión (fue editada después de aplicarse). No se ha modificado nada.`,
      );
    }
  }
}

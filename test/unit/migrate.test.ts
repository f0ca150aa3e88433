import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrationsFromDir, migrationsFromFiles } from '../../src/main/db/migrate';
import { openDatabase } from '../../src/main/db/open';
import { MIGRATIONS } from '../../src/main/db/migrations';
import { type AppError } from '../../src/shared/errors';
import { makeTempDir } from '../fixtures/core';

const FIXTURES = join(__dirname, '../fixtures/migrations/valid');
const now = () => '2026-11-27T10:00:00.000Z';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('migrations', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dir: string;
  let file: string;

  beforeEach(() => {
    temp = makeTempDir();
    dir = join(temp.dir, 'migrations');
    mkdirSync(dir);
    for (const name of ['0001_first.sql', '0002_second.sql'])
      copyFileSync(join(FIXTURES, name), join(dir, name));
    file = join(temp.dir, 'test.db');
  });
  afterEach(() => temp.cleanup());

  it('applies every migration once, in order, with its bookkeeping row', () => {
    const db = new Database(file);
    migrate(db, migrationsFromDir(dir), now);
    migrate(db, migrationsFromDir(dir), now);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual([
      { version: 1, name: 'first' },
      { version: 2, name: 'second' },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM alpha').get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a database whose applied migration was edited, and changes nothing', () => {
    const db = new Database(file);
    migrate(db, migrationsFromDir(dir), now);
    writeFileSync(
      join(dir, '0001_first.sql'),
      'CREATE TABLE alpha (id INTEGER PRIMARY KEY, other TEXT);\n',
    );
    writeFileSync(join(dir, '0003_third.sql'), 'CREATE TABLE gamma (id INTEGER);\n');
    const error = errorOf(() => migrate(db, migrationsFromDir(dir), now));
    expect(error.code).toBe('MIGRATION_MISMATCH');
    expect(error.message).toContain('1_first');
    // The pending third migration was not applied either.
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'gamma'`).get()).toBeUndefined();
    db.close();
  });

  it('treats a line-ending change as the same migration', () => {
    const db = new Database(file);
    migrate(db, migrationsFromDir(dir), now);
    const text = readFileSync(join(dir, '0002_second.sql'), 'utf8');
    writeFileSync(join(dir, '0002_second.sql'), text.replace(/\n/g, '\r\n'));
    expect(() => migrate(db, migrationsFromDir(dir), now)).not.toThrow();
    db.close();
  });

  it('refuses a database from a newer version without modifying the file', () => {
    const db = new Database(file);
    writeFileSync(join(dir, '0003_third.sql'), 'CREATE TABLE gamma (id INTEGER);\n');
    migrate(db, migrationsFromDir(dir), now);
    db.close();
    const before = readFileSync(file);

    const error = errorOf(() =>
      openDatabase({
        file,
        migrations: migrationsFromFiles({
          '0001_first.sql': readFileSync(join(dir, '0001_first.sql'), 'utf8'),
          '0002_second.sql': readFileSync(join(dir, '0002_second.sql'), 'utf8'),
        }),
        now,
      }),
    );
    expect(error.code).toBe('DATABASE_NEWER');
    expect(error.message).toMatch(/versión más reciente/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses an unknown applied migration below the newest known one', () => {
    const db = new Database(file);
    migrate(db, migrationsFromDir(dir), now);
    db.prepare(`UPDATE schema_migrations SET name = 'renamed' WHERE version = 2`).run();
    const error = errorOf(() => migrate(db, migrationsFromDir(dir), now));
    expect(error.code).toBe('MIGRATION_MISMATCH');
    db.close();
  });

  it('rolls back a failing migration whole, keeping the ones before it', () => {
    writeFileSync(
      join(dir, '0003_broken.sql'),
      'CREATE TABLE gamma (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    );
    const db = new Database(file);
    expect(() => migrate(db, migrationsFromDir(dir), now)).toThrow(/nowhere/);
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
    expect(versions).toEqual([1, 2]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'gamma'`).get()).toBeUndefined();
    db.close();
  });

  it('rejects badly named or non-consecutive migration files', () => {
    expect(() => migrationsFromFiles({ 'first.sql': '' })).toThrow(/NNNN_name/);
    expect(() => migrationsFromFiles({ '0001_a.sql': '', '0003_c.sql': '' })).toThrow(
      /without gaps/,
    );
  });

  it('ships the bundled migrations numbered from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(MIGRATIONS[0]?.sql).toContain('CREATE TABLE articles');
  });
});

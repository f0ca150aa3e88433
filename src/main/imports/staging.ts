import { rmSync } from 'node:fs';
import type { Db } from '../db/open';
import type { ImportKind } from './types';

// The staging database: a scratch SQLite file beside the data, attached to the import's own
// connection as `staging`. Every record of the file is read and validated into it first, with no
// lock on the main database (a transaction that writes only an attached file locks only that
// file), so the app, the API and other processes keep writing while a large file is read. Only
// then does the import take the write lock, for one set-based transaction from staging into
// the real tables.
//
// It needs no durability: it is deleted when the import ends, and a crash leaves a file that
// the next import deletes. So no journal and no syncs.

export const STAGING_SCHEMA = 'staging';

const TABLES: Record<ImportKind, string> = {
  articulos: `CREATE TABLE staging.stage (
    line               INTEGER PRIMARY KEY,
    codigo             TEXT NOT NULL,
    nombre             TEXT NOT NULL,
    material           TEXT,
    diametro           REAL,
    unidad             TEXT,
    stock_minimo       REAL,
    referencia_externa TEXT
  )`,
  stock: `CREATE TABLE staging.stage (
    line     INTEGER PRIMARY KEY,
    codigo   TEXT NOT NULL,
    almacen  TEXT NOT NULL,
    cantidad REAL NOT NULL
  )`,
};

const COMMON_TABLES = [
  // Every problem the reader or the checks found, in the order found.
  `CREATE TABLE staging.issues (
    seq       INTEGER PRIMARY KEY,
    line      INTEGER NOT NULL,
    columna   TEXT,
    mensaje   TEXT NOT NULL,
    severidad TEXT NOT NULL
  )`,
  // Rejected records: their fields as read (JSON; NULL until a second pass fetches them, for a
  // record rejected after it was staged) and why, for the rejected-rows report.
  `CREATE TABLE staging.rejected (
    line    INTEGER PRIMARY KEY,
    fields  TEXT,
    message TEXT NOT NULL
  )`,
  // Problems found by the checks that need the whole file or the database (duplicates,
  // unknown codes): they reject records that were already staged.
  `CREATE TABLE staging.late (
    line    INTEGER NOT NULL,
    columna TEXT,
    mensaje TEXT NOT NULL
  )`,
];

/** Creates (replacing any leftover) and attaches the staging file to `db`. */
export function attachStaging(db: Db, file: string, kind: ImportKind): void {
  removeStagingFile(file);
  db.prepare(`ATTACH DATABASE ? AS ${STAGING_SCHEMA}`).run(file);
  db.pragma(`${STAGING_SCHEMA}.journal_mode = OFF`);
  db.pragma(`${STAGING_SCHEMA}.synchronous = OFF`);
  // One connection ever uses the file: no need to take and drop its lock per transaction.
  db.pragma(`${STAGING_SCHEMA}.locking_mode = EXCLUSIVE`);
  db.pragma(`${STAGING_SCHEMA}.cache_size = -16384`);
  db.exec(TABLES[kind]);
  for (const sql of COMMON_TABLES) db.exec(sql);
}

export function detachStaging(db: Db, file: string): void {
  if (db.open) {
    const attached = (db.pragma('database_list') as Array<{ name: string }>).some(
      (d) => d.name === STAGING_SCHEMA,
    );
    if (attached) db.exec(`DETACH DATABASE ${STAGING_SCHEMA}`);
  }
  removeStagingFile(file);
}

export function removeStagingFile(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

import type { Db } from './open';

// The planner's statistics after a bulk change (a CSV import, an ERP pull of many records).

/**
 * After a bulk change SQLite's planner needs the tables' new sizes: with statistics (or the
 * defaults) from when articles were few, a million new ones made the stock page scan every
 * article for the few with stock (40-70 ms a page instead of 1-2 ms). ANALYZE with
 * analysis_limit samples each index (tens of milliseconds). Other connections (the app's, a
 * `gsih serve` beside `gsih import`) load statistics only with the schema and keep the plans of
 * their prepared statements, so a schema change (an empty table created and dropped) makes them
 * re-read it and re-plan on next use. Inside the writer's transaction (the import's: the data, its
 * statistics and the plans change together, at the commit).
 */
export function refreshStatistics(db: Db): void {
  // Needs the write lock: ANALYZE writes sqlite_stat1.
  db.pragma('analysis_limit = 400');
  db.exec('ANALYZE main');
  recordEmptyTables(db);
  db.exec('CREATE TABLE main.statistics_replan (x)');
  db.exec('DROP TABLE main.statistics_replan');
}

/**
 * ANALYZE writes nothing for an empty table, and SQLite then plans as if it held a million rows:
 * after a first load of a million articles with no stock counted yet, the stock page walked every
 * article by code looking for its stock (about 100 ms a page, even an empty one) instead of
 * reading the empty stock table. An empty table is recorded as empty; the next ANALYZE (the next bulk
 * change) replaces the row.
 */
function recordEmptyTables(db: Db): void {
  const unmeasured = db
    .prepare(
      `SELECT name FROM main.sqlite_master AS m
       WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         AND NOT EXISTS (SELECT 1 FROM main.sqlite_stat1 AS s WHERE s.tbl = m.name)`,
    )
    .pluck()
    .all() as string[];
  const record = db.prepare("INSERT INTO main.sqlite_stat1 (tbl, idx, stat) VALUES (?, NULL, '0')");
  let recorded = 0;
  for (const name of unmeasured) {
    const quoted = `main."${name.replaceAll('"', '""')}"`;
    if (db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${quoted})`).pluck().get() === 1) {
      recorded += record.run(name).changes;
    }
  }
  // This connection's planner reads rows written by hand only when told to (the others, at the
  // schema change that follows).
  if (recorded > 0) db.exec('ANALYZE main.sqlite_schema');
}

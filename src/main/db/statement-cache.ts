import type Database from 'better-sqlite3';

/**
 * Prepared statements by SQL text. Lists build their SQL from the filters present, so there are
 * few distinct texts, and preparing one costs more than running it on a small table.
 */
export function createStatementCache(db: Database.Database, maxEntries = 256) {
  const cache = new Map<string, Database.Statement>();
  return (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= maxEntries) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

export type StatementCache = ReturnType<typeof createStatementCache>;

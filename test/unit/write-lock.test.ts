import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ifWriteLockFree, LOCKED } from '../../src/main/db/transaction';
import { makeTempDir } from '../fixtures/core';

describe('ifWriteLockFree', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let ours: Database.Database;
  let theirs: Database.Database;
  beforeEach(() => {
    temp = makeTempDir();
    const file = join(temp.dir, 'lock.db');
    ours = new Database(file);
    ours.pragma('journal_mode = WAL');
    ours.pragma('busy_timeout = 5000');
    ours.exec('CREATE TABLE t (x)');
    theirs = new Database(file);
  });
  afterEach(() => {
    ours.close();
    theirs.close();
    temp.cleanup();
  });

  it('skips a write at once while another connection holds the write lock, instead of waiting busy_timeout', () => {
    theirs.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    const result = ifWriteLockFree(ours, () => ours.prepare('INSERT INTO t VALUES (1)').run());
    expect(result).toBe(LOCKED);
    expect(performance.now() - started).toBeLessThan(200);
    // The connection's own timeout is back for every other write.
    expect(ours.pragma('busy_timeout', { simple: true })).toBe(5000);
    theirs.exec('COMMIT');
  });

  it('writes when the lock is free, and passes other errors through', () => {
    expect(
      ifWriteLockFree(ours, () => ours.prepare('INSERT INTO t VALUES (1)').run().changes),
    ).toBe(1);
    expect(() => ifWriteLockFree(ours, () => ours.exec('INSERT INTO nope VALUES (1)'))).toThrow(
      /no such table/,
    );
    expect(ours.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  UPLOADS_DIR,
  UploadTooLarge,
  createFileTokens,
  safeFileName,
} from '../../src/main/import-ui/file-tokens';
import { makeTempDir, manualClock } from '../fixtures/core';

// Files handed to the core by token: the renderer never names a path, an upload keeps the
// user's file name (the history shows it) but cannot name a folder, and what a token held is
// forgotten and deleted when it expires or the process stops.

describe('import file tokens', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('keeps the user’s file name, but never a folder, a control character or a leading dot', () => {
    expect(safeFileName('Artículos año 2026.csv')).toBe('Artículos año 2026.csv');
    expect(safeFileName('C:\\Users\\ana\\stock.csv')).toBe('stock.csv');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..')).toBe('archivo.csv');
    expect(safeFileName('a\u0000b<c>:"|?*.csv')).toBe('abc.csv');
    expect(safeFileName('')).toBe('archivo.csv');
    const long = safeFileName(`${'x'.repeat(300)}.csv`);
    expect(long).toHaveLength(120);
    expect(long.endsWith('.csv')).toBe(true);
  });

  it('stores an upload under the data directory and resolves its token to it', async () => {
    const tokens = createFileTokens({ dataDir: temp.dir, clock: manualClock() });
    const chosen = await tokens.receive(Readable.from([Buffer.from('a;b\n1;2\n')]), 'x.csv', 8);
    expect(chosen).toMatchObject({ nombre: 'x.csv', bytes: 8 });
    const file = tokens.resolve(chosen.archivo);
    expect(file.path.startsWith(join(temp.dir, UPLOADS_DIR))).toBe(true);
    expect(file.path.endsWith('x.csv')).toBe(true);
    expect(() => tokens.resolve('otro-token-que-no-existe')).toThrow(/Vuelva a elegirlo/);
  });

  it('refuses an upload over the limit, by its declared size or by what arrives, keeping nothing', async () => {
    const tokens = createFileTokens({ dataDir: temp.dir, clock: manualClock(), maxBytes: 10 });
    await expect(tokens.receive(Readable.from([Buffer.alloc(4)]), 'a.csv', 50)).rejects.toThrow(
      UploadTooLarge,
    );
    await expect(
      tokens.receive(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 'b.csv', null),
    ).rejects.toThrow(UploadTooLarge);
    expect(readdirSync(join(temp.dir, UPLOADS_DIR))).toEqual([]);
  });

  it('forgets a token a day after its last use, deleting the upload, and clears all at stop', async () => {
    const clock = manualClock();
    const tokens = createFileTokens({ dataDir: temp.dir, clock });
    const old = await tokens.receive(Readable.from([Buffer.from('x')]), 'viejo.csv', 1);
    const oldPath = tokens.resolve(old.archivo).path;
    clock.advance(25 * 60 * 60 * 1000);
    const recent = await tokens.receive(Readable.from([Buffer.from('y')]), 'nuevo.csv', 1);
    expect(existsSync(oldPath)).toBe(false);
    expect(() => tokens.resolve(old.archivo)).toThrow(/ya no está disponible/);
    const recentPath = tokens.resolve(recent.archivo).path;
    tokens.close();
    expect(existsSync(recentPath)).toBe(false);
  });

  it('registers a picked file in place (never copied or deleted) and refuses a folder', () => {
    const tokens = createFileTokens({ dataDir: temp.dir, clock: manualClock() });
    const path = join(temp.dir, 'elegido.csv');
    writeFileSync(path, 'a;b\n');
    const chosen = tokens.register(path);
    expect(tokens.resolve(chosen.archivo).path).toBe(path);
    tokens.close();
    expect(existsSync(path)).toBe(true);
    mkdirSync(join(temp.dir, 'carpeta'));
    expect(() => tokens.register(join(temp.dir, 'carpeta'))).toThrow(/no es un archivo/);
    expect(() => tokens.register(join(temp.dir, 'no-existe.csv'))).toThrow(/No se puede abrir/);
  });

  it('sweeps the uploads of a previous run, which no token can name any more', () => {
    const leftover = join(temp.dir, UPLOADS_DIR, 'abc');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(join(leftover, 'viejo.csv'), 'x');
    createFileTokens({ dataDir: temp.dir, clock: manualClock() }).sweep();
    expect(existsSync(join(temp.dir, UPLOADS_DIR))).toBe(false);
  });
});

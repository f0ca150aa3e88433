import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  runImport,
  type AnyRecord,
  type ApplyControl,
  type ImportJob,
  type ImportSource,
} from '../../src/main/imports/apply';
import { createImportHistory } from '../../src/main/imports/history';
import type { ArticleRow, StockRow } from '../../src/main/imports/types';
import { AppError } from '../../src/shared/errors';
import { contentDigest } from '../fixtures/digest';
import { makeTestCore, manualClock } from '../fixtures/core';

// The applier on real SQLite files, fed with the reader's records as arrays: what each rule
// writes (or does not), checked through the app's own services and a digest of the file.

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

const ARTICLE_HEADERS = [
  'Código',
  'Nombre',
  'Material',
  'Diámetro (mm)',
  'Unidad',
  'Stock mínimo',
  'Referencia externa',
];
const STOCK_HEADERS = ['Código', 'Almacén', 'Cantidad'];

function articleRecord(line: number, row: Partial<ArticleRow> & { codigo: string }): AnyRecord {
  const full: ArticleRow = {
    nombre: `Artículo ${row.codigo}`,
    material: null,
    diametro: null,
    unidad: null,
    stock_minimo: null,
    referencia_externa: null,
    ...row,
  };
  return {
    line,
    fields: [
      full.codigo,
      full.nombre,
      full.material ?? '',
      full.diametro === null ? '' : String(full.diametro).replace('.', ','),
      full.unidad ?? '',
      full.stock_minimo === null ? '' : String(full.stock_minimo).replace('.', ','),
      full.referencia_externa ?? '',
    ],
    row: full,
    issues: [],
  };
}

function stockRecord(line: number, codigo: string, almacen: string, cantidad: number): AnyRecord {
  const row: StockRow = { codigo, almacen, cantidad };
  return { line, fields: [codigo, almacen, String(cantidad).replace('.', ',')], row, issues: [] };
}

function badRecord(line: number, fields: string[], column: string, message: string): AnyRecord {
  return { line, fields, row: null, issues: [{ line, column, message, severity: 'error' }] };
}

function sourceOf(kind: 'articulos' | 'stock', records: AnyRecord[], batchSize = 2): ImportSource {
  const headers = kind === 'articulos' ? ARTICLE_HEADERS : STOCK_HEADERS;
  const fields =
    kind === 'articulos'
      ? ['codigo', 'nombre', 'material', 'diametro', 'unidad', 'stock_minimo', 'referencia_externa']
      : ['codigo', 'almacen', 'cantidad'];
  return {
    detection: {
      encoding: 'windows-1252',
      encodingSource: 'detectado',
      bom: false,
      delimiter: ';',
      delimiterSource: 'detectado',
      numberFormats: {},
      numberFormatSource: 'detectado',
    },
    headers,
    mapping: Object.fromEntries(fields.map((f, i) => [f, i])),
    bytes: 1234,
    async *records() {
      for (let i = 0; i < records.length; i += batchSize) yield records.slice(i, i + batchSize);
    },
    unchanged: () => true,
  };
}

describe('the import applier', () => {
  let core: TestCore;
  let db: Database.Database;
  let nextId = 1;
  const clock = manualClock('2026-11-28T09:00:00.000Z');
  const file = () => join(core.dataDir, 'gsih.db');

  const job = (over: Partial<ImportJob> = {}): ImportJob => ({
    id: nextId++,
    kind: 'articulos',
    fileName: 'articulos.csv',
    origin: 'cli',
    actor: 'cli:prueba',
    dryRun: false,
    skipErrors: false,
    add: false,
    options: {
      omitir_errores: over.skipErrors ?? false,
      sumar: over.add ?? false,
      codificacion: null,
      delimitador: null,
      formato_numeros: null,
      columnas: null,
    },
    startedAt: clock.now(),
    ...over,
  });

  const run = (
    over: Partial<ImportJob>,
    records: AnyRecord[] | (() => Promise<ImportSource>),
    control: Partial<ApplyControl> = {},
  ) => {
    const j = job(over);
    return runImport(
      {
        db,
        clock,
        dataDir: core.dataDir,
        stagingFile: join(core.dataDir, 'imports', 'staging.db'),
      },
      j,
      typeof records === 'function' ? records : async () => sourceOf(j.kind, records),
      { isCancelled: () => false, ...control },
    );
  };

  const articles = () =>
    core.db
      .prepare(
        'SELECT codigo, nombre, material, diametro, unidad, stock_minimo, referencia_externa FROM articles ORDER BY id',
      )
      .all();
  const history = () => createImportHistory(core.db, core.dataDir);
  const issuesOf = (id: number) => history().issues(id, { page: 1, page_size: 100 }).items;
  const stockOf = (codigo: string, almacen = 'PRINCIPAL') =>
    (core.db
      .prepare(
        'SELECT l.cantidad FROM stock_levels l JOIN articles a ON a.id = l.articulo_id WHERE a.codigo = ? AND l.almacen = ?',
      )
      .pluck()
      .get(codigo, almacen) as number | undefined) ?? null;
  const events = () => core.db.prepare('SELECT evento FROM events ORDER BY seq').pluck().all();
  const articleIndexes = () =>
    core.db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'articles' ORDER BY name`,
      )
      .all();
  // The history row an import writes is the one change it may leave when it imports nothing.
  const dataDigest = () => contentDigest(file(), ['imports', 'import_errors']);

  beforeEach(async () => {
    core = await makeTestCore({ clock });
    db = new Database(file());
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  });
  afterEach(async () => {
    db.close();
    await core.cleanup();
  });

  describe('articulos', () => {
    it('creates new articles, updates those that differ and counts identical ones as unchanged', async () => {
      core.services.inventory.createArticle({
        codigo: 'A-1',
        nombre: 'Tubo viejo',
        material: 'PVC',
        diametro: 20,
        unidad: 'm',
        stock_minimo: 5,
        referencia_externa: null,
      });
      core.services.inventory.createArticle({
        codigo: 'A-2',
        nombre: 'Codo 90º',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      });
      const ended = await run({}, [
        articleRecord(2, { codigo: 'A-1', nombre: 'Tubo de presión', diametro: 20.5 }),
        articleRecord(3, { codigo: 'A-2', nombre: 'Codo 90º' }),
        articleRecord(4, {
          codigo: 'A-3',
          nombre: 'Válvula de bola',
          material: 'Latón',
          diametro: 12.5,
          unidad: 'ud',
          stock_minimo: 1250.5,
          referencia_externa: 'ERP-3',
        }),
      ]);
      expect(ended).toMatchObject({
        estado: 'COMPLETADA',
        simulacion: false,
        total: 3,
        creados: 1,
        actualizados: 1,
        sin_cambios: 1,
        rechazados: 0,
        archivo_rechazadas: null,
      });
      expect(articles()).toEqual([
        // Cells left empty keep what the article had.
        {
          codigo: 'A-1',
          nombre: 'Tubo de presión',
          material: 'PVC',
          diametro: 20.5,
          unidad: 'm',
          stock_minimo: 5,
          referencia_externa: null,
        },
        {
          codigo: 'A-2',
          nombre: 'Codo 90º',
          material: null,
          diametro: null,
          unidad: 'unidad',
          stock_minimo: 0,
          referencia_externa: null,
        },
        {
          codigo: 'A-3',
          nombre: 'Válvula de bola',
          material: 'Latón',
          diametro: 12.5,
          unidad: 'ud',
          stock_minimo: 1250.5,
          referencia_externa: 'ERP-3',
        },
      ]);
      expect(history().get(ended.id)).toMatchObject({ estado: 'COMPLETADA', creados: 1 });
    });

    it('importing the same file again creates no duplicate and changes nothing', async () => {
      const rows = [
        articleRecord(2, { codigo: '007', nombre: 'Brida', stock_minimo: 3 }),
        articleRecord(3, { codigo: '008', nombre: 'Manguito', referencia_externa: 'R-8' }),
      ];
      await run({}, rows);
      const before = dataDigest();
      const again = await run({}, rows);
      expect(again).toMatchObject({ creados: 0, actualizados: 0, sin_cambios: 2 });
      expect(core.services.inventory.counts().articulos).toBe(2);
      // Not even fecha_actualizacion moves for an unchanged article.
      expect(dataDigest()).toBe(before);
    });

    it('rejects every occurrence of a code repeated in the file, and by default writes nothing', async () => {
      const before = dataDigest();
      const ended = await run({}, [
        articleRecord(2, { codigo: 'X-1' }),
        articleRecord(3, { codigo: 'X-2' }),
        articleRecord(5, { codigo: 'X-1', nombre: 'Otro nombre' }),
      ]);
      expect(ended).toMatchObject({
        estado: 'RECHAZADA',
        total: 3,
        rechazados: 2,
        errores: 2,
        creados: 0,
      });
      expect(ended.error).toMatch(/2 filas tienen errores: no se ha importado nada/);
      expect(dataDigest()).toBe(before);
      expect(issuesOf(ended.id)).toEqual([
        {
          linea: 2,
          columna: 'Código',
          mensaje:
            'El código «X-1» aparece 2 veces en el archivo (la primera, en la línea 2): cada código debe aparecer una sola vez.',
          severidad: 'error',
        },
        expect.objectContaining({ linea: 5, columna: 'Código' }),
      ]);
    });

    it('with omitir_errores imports the valid rows and reports the rest in the file’s own format', async () => {
      const ended = await run({ skipErrors: true }, [
        articleRecord(2, { codigo: 'B-1', nombre: 'Tubo ñ' }),
        badRecord(3, ['B-2', 'Codo', '', 'veinte', '', '', ''], 'Diámetro (mm)', 'no es un número'),
        articleRecord(4, { codigo: 'B-3', nombre: 'Tapón €' }),
        articleRecord(6, { codigo: 'B-1', nombre: 'Tubo repetido' }),
      ]);
      expect(ended).toMatchObject({
        estado: 'COMPLETADA',
        total: 4,
        creados: 1,
        rechazados: 3,
        errores: 3,
        archivo_rechazadas: 'imports/' + `${ended.id}-rechazadas.csv`,
      });
      expect(articles()).toEqual([expect.objectContaining({ codigo: 'B-3', nombre: 'Tapón €' })]);
      // Windows-1252, `;`, CRLF: the rows rejected by the checks got their fields back from a
      // second pass over the records.
      const report = readFileSync(join(core.dataDir, ended.archivo_rechazadas!)).toString('latin1');
      const lines = report.split('\r\n');
      expect(lines[0]).toBe(`línea;error;${ARTICLE_HEADERS.join(';')}`);
      expect(lines[1]).toMatch(/^2;Código: El código «B-1» aparece 2 veces.*;B-1;Tubo ñ;/);
      expect(lines[2]).toBe('3;Diámetro (mm): no es un número;B-2;Codo;;veinte;;;');
      expect(lines[3]).toMatch(/^6;Código: El código «B-1».*;B-1;Tubo repetido;/);
      expect(lines).toHaveLength(5);
    });

    it('refuses an external reference that already belongs to another article', async () => {
      core.services.inventory.createArticle({
        codigo: 'C-1',
        nombre: 'Tiene la referencia',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: 'ERP-77',
      });
      const ended = await run({}, [
        articleRecord(2, { codigo: 'C-1', nombre: 'Tiene la referencia' }),
        articleRecord(3, { codigo: 'C-2', referencia_externa: 'ERP-77' }),
      ]);
      expect(ended).toMatchObject({ estado: 'RECHAZADA', rechazados: 1 });
      expect(issuesOf(ended.id)).toEqual([
        {
          linea: 3,
          columna: 'Referencia externa',
          mensaje:
            'La referencia externa «ERP-77» ya es del artículo «C-1»: corríjala o deje la celda vacía.',
          severidad: 'error',
        },
      ]);
    });

    it('a dry run counts what would change and writes only its history row', async () => {
      core.services.inventory.createArticle({
        codigo: 'D-1',
        nombre: 'Igual',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      });
      const before = contentDigest(file(), ['imports', 'import_errors']);
      const ended = await run({ dryRun: true, skipErrors: true }, [
        articleRecord(2, { codigo: 'D-1', nombre: 'Igual' }),
        articleRecord(3, { codigo: 'D-2' }),
        articleRecord(4, { codigo: 'D-1', nombre: 'Distinto' }),
        articleRecord(5, { codigo: 'D-3' }),
      ]);
      expect(ended).toMatchObject({
        estado: 'COMPLETADA',
        simulacion: true,
        total: 4,
        creados: 2,
        actualizados: 0,
        sin_cambios: 0,
        rechazados: 2,
      });
      expect(contentDigest(file(), ['imports', 'import_errors'])).toBe(before);
      expect(history().get(ended.id)).toMatchObject({ simulacion: true, creados: 2 });
    });

    it('cancelled while reading, leaves the data as it was and records the cancellation', async () => {
      const before = dataDigest();
      let batches = 0;
      const ended = await run(
        {},
        Array.from({ length: 10 }, (_, i) => articleRecord(i + 2, { codigo: `E-${i}` })),
        {
          isCancelled: () => batches >= 2,
          onProgress: (p) => {
            if (p.fase === 'lectura') batches++;
          },
        },
      );
      expect(ended).toMatchObject({ estado: 'CANCELADA', creados: 0 });
      expect(dataDigest()).toBe(before);
    });

    it('cancelled while writing, rolls back what the transaction had already written', async () => {
      const before = dataDigest();
      const schema = articleIndexes();
      // Two chunks of the write transaction (they are cut by line): cancel after the first. A
      // load this size into an empty table also drops the indexes to build them at the end.
      let cancel = false;
      const ended = await run(
        {},
        Array.from({ length: 50_001 }, (_, i) =>
          articleRecord(i + 2, { codigo: `F-${i}`, referencia_externa: `R-${i}` }),
        ),
        {
          isCancelled: () => cancel,
          onProgress: (p) => {
            if (p.fase === 'aplicacion') cancel = true;
          },
        },
      );
      expect(ended.estado).toBe('CANCELADA');
      expect(dataDigest()).toBe(before);
      expect(core.services.inventory.counts().articulos).toBe(0);
      expect(articleIndexes()).toEqual(schema);
    });

    it('a load bigger than the table leaves the same indexes, built again and enforced', async () => {
      core.services.inventory.createArticle({
        codigo: 'Z-0',
        nombre: 'Ya estaba',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: 'R-X',
      });
      const schema = articleIndexes();
      const n = 25_000;
      const phases: string[] = [];
      const ended = await run(
        {},
        Array.from({ length: n }, (_, i) => {
          const k = (i * 7_919) % n;
          return articleRecord(i + 2, { codigo: `G-${k}`, referencia_externa: `R-${k}` });
        }),
        { onProgress: (p) => phases.at(-1) !== p.fase && phases.push(p.fase) },
      );
      expect(ended).toMatchObject({ estado: 'COMPLETADA', creados: n });
      // Building the indexes again is a phase of its own: the bar does not sit at 100 %.
      expect(phases).toEqual(['lectura', 'comprobacion', 'aplicacion', 'finalizacion']);
      expect(articleIndexes()).toEqual(schema);
      expect(core.services.inventory.counts().articulos).toBe(n + 1);
      const plan = core.db
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM articles WHERE nombre = 'x'")
        .all() as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join()).toContain('articles_nombre');
      // The rebuilt unique index on the external reference holds.
      expect(() =>
        core.db
          .prepare("UPDATE articles SET referencia_externa = 'R-1' WHERE codigo = 'G-2'")
          .run(),
      ).toThrow(/UNIQUE/);
      expect(core.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    });

    describe('a large first load (no articles yet) is applied before the checks', () => {
      const n = 25_000;
      // Codes out of order, as a real export has them; line i + 2 holds code L-k.
      const load = (change: (record: AnyRecord, i: number) => void = () => {}) =>
        Array.from({ length: n }, (_, i) => {
          const k = (i * 7_919) % n;
          const record = articleRecord(i + 2, { codigo: `L-${k}`, referencia_externa: `R-${k}` });
          change(record, i);
          return record;
        });
      const repeat = (field: 'codigo' | 'referencia_externa', from: number, to: number) =>
        load((record, i) => {
          if (i !== to) return;
          const source = load()[from]!.row as ArticleRow;
          Object.assign(record.row as ArticleRow, { [field]: source[field] });
        });
      const watch = () => {
        const phases: string[] = [];
        return {
          phases,
          onProgress: (p: { fase: string }) => {
            if (phases.at(-1) !== p.fase) phases.push(p.fase);
          },
        };
      };

      it('a clean file: imported without the checks, the same rows and indexes', async () => {
        const schema = articleIndexes();
        const progress = watch();
        const ended = await run({}, load(), { onProgress: progress.onProgress });
        expect(ended).toMatchObject({ estado: 'COMPLETADA', creados: n, rechazados: 0 });
        expect(progress.phases).toEqual(['lectura', 'aplicacion', 'finalizacion']);
        expect(core.services.inventory.counts().articulos).toBe(n);
        expect(articleIndexes()).toEqual(schema);
        expect(core.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
        // Ids follow the file.
        expect(
          core.db.prepare('SELECT codigo FROM articles ORDER BY id LIMIT 2').pluck().all(),
        ).toEqual(['L-0', 'L-7919']);
      });

      it('a code repeated far apart: rolled back, checked as usual, both rows rejected, nothing written', async () => {
        const before = dataDigest();
        const schema = articleIndexes();
        const progress = watch();
        const ended = await run({}, repeat('codigo', 10, n - 5), {
          onProgress: progress.onProgress,
        });
        expect(ended).toMatchObject({ estado: 'RECHAZADA', creados: 0, rechazados: 2 });
        // The insert of its one chunk found it (before any progress of the chunk was told).
        expect(progress.phases).toEqual(['lectura', 'comprobacion', 'informe']);
        expect(issuesOf(ended.id)).toEqual([
          expect.objectContaining({ linea: 12, mensaje: expect.stringMatching(/aparece 2 veces/) }),
          expect.objectContaining({
            linea: n - 3,
            mensaje: expect.stringMatching(/aparece 2 veces/),
          }),
        ]);
        expect(dataDigest()).toBe(before);
        expect(articleIndexes()).toEqual(schema);
      });

      it('an external reference repeated: found building its index, rolled back, checked as usual', async () => {
        const before = dataDigest();
        const ended = await run({}, repeat('referencia_externa', 3, n - 1));
        expect(ended).toMatchObject({ estado: 'RECHAZADA', creados: 0, rechazados: 2 });
        expect(issuesOf(ended.id).map((i) => [i.linea, i.columna])).toEqual([
          [5, 'Referencia externa'],
          [n + 1, 'Referencia externa'],
        ]);
        expect(dataDigest()).toBe(before);
      });

      it('with omitir_errores, a repeated code leaves the other rows imported', async () => {
        const ended = await run({ skipErrors: true }, repeat('codigo', 0, 1));
        expect(ended).toMatchObject({ estado: 'COMPLETADA', creados: n - 2, rechazados: 2 });
        expect(core.services.inventory.counts().articulos).toBe(n - 2);
      });
    });

    it('a first load with no stock yet plans the stock page from the empty stock table', async () => {
      await run(
        {},
        // Below a few thousand articles either plan is as good: SQLite keeps walking them.
        Array.from({ length: 5_000 }, (_, i) => articleRecord(i + 2, { codigo: `K-${i}` })),
      );
      // The stock page's query (inventory service): with statistics for the articles and none
      // for the empty stock table, SQLite walked every article by code looking for stock. The
      // app's connection re-reads the schema and its statistics when it next runs a statement.
      expect(core.services.inventory.listStock({ page: 1, page_size: 50 }).items).toEqual([]);
      const plan = core.db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT s.articulo_id, a.codigo FROM stock_levels s
           JOIN articles a ON a.id = s.articulo_id ORDER BY a.codigo, s.almacen LIMIT 50`,
        )
        .all() as Array<{ detail: string }>;
      expect(plan[0]?.detail).toMatch(/^SCAN s\b/);
      expect(
        core.db.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'stock_levels'").pluck().all(),
      ).toEqual(['0']);
    });

    it('a file the reader refuses is RECHAZADA with the reader’s reason', async () => {
      const ended = await run({}, async () => {
        throw new AppError(
          'VALIDATION',
          'El archivo está vacío (0 bytes): no hay nada que importar.',
        );
      });
      expect(ended).toMatchObject({
        estado: 'RECHAZADA',
        error: 'El archivo está vacío (0 bytes): no hay nada que importar.',
        deteccion: null,
      });
    });

    it('an unexpected failure while writing is FALLIDA and nothing is written', async () => {
      const before = dataDigest();
      // A trigger makes the insert fail halfway through the transaction.
      db.exec(`CREATE TRIGGER main.refuse_g2 BEFORE INSERT ON articles WHEN NEW.codigo = 'G-2'
        BEGIN SELECT RAISE(ABORT, 'disco lleno (simulado)'); END`);
      const failures: unknown[] = [];
      const ended = await run(
        {},
        [articleRecord(2, { codigo: 'G-1' }), articleRecord(3, { codigo: 'G-2' })],
        { onFailure: (e) => failures.push(e) },
      );
      db.exec('DROP TRIGGER main.refuse_g2');
      expect(ended).toMatchObject({ estado: 'FALLIDA', creados: 0 });
      expect(ended.error).toContain('disco lleno (simulado)');
      expect(failures).toHaveLength(1);
      expect(dataDigest()).toBe(before);
    });

    it('a new minimum opens the alert of stock already below it', async () => {
      const a = core.services.inventory.createArticle({
        codigo: 'H-1',
        nombre: 'Con stock',
        material: null,
        diametro: null,
        unidad: 'unidad',
        stock_minimo: 0,
        referencia_externa: null,
      });
      const m = core.services.inventory.createMovement(
        { tipo: 'ENTRADA', articulo: a.id, cantidad: 4, origen: 'ui' },
        'ui:test',
      );
      core.services.inventory.approveMovement(m.id, 'ui:test');
      await run({}, [articleRecord(2, { codigo: 'H-1', nombre: 'Con stock', stock_minimo: 10 })]);
      expect(
        core.services.inventory.listAlerts({ estado: 'ABIERTA', page: 1, page_size: 10 }).items,
      ).toEqual([
        expect.objectContaining({ codigo: 'H-1', cantidad_actual: 4, umbral_minimo: 10 }),
      ]);
      expect(events()).toContain('stock_bajo');
    });
  });

  describe('stock', () => {
    beforeEach(() => {
      for (const [codigo, minimo] of [
        ['S-1', 10],
        ['S-2', 0],
        ['S-3', 0],
      ] as const) {
        core.services.inventory.createArticle({
          codigo,
          nombre: `Artículo ${codigo}`,
          material: null,
          diametro: null,
          unidad: 'unidad',
          stock_minimo: minimo,
          referencia_externa: null,
        });
      }
      const m = core.services.inventory.createMovement(
        { tipo: 'ENTRADA', articulo: 2, cantidad: 7, origen: 'ui' },
        'ui:test',
      );
      core.services.inventory.approveMovement(m.id, 'ui:test');
      core.services.webhooks.create({
        nombre: 'ERP',
        url: 'http://127.0.0.1:9/hook',
        eventos: ['stock_bajo', 'movimiento_aprobado'],
      });
    });

    it('sets the counted stock through approved AJUSTE movements, with alerts and events', async () => {
      const eventsBefore = events().length;
      const ended = await run({ kind: 'stock', fileName: 'recuento.csv' }, [
        stockRecord(2, 'S-1', 'PRINCIPAL', 4),
        stockRecord(3, 'S-2', 'PRINCIPAL', 7),
        stockRecord(4, 'S-2', 'NAVE 2', 2.5),
        stockRecord(5, 'S-3', 'PRINCIPAL', 0),
      ]);
      expect(ended).toMatchObject({
        estado: 'COMPLETADA',
        creados: 2,
        actualizados: 0,
        sin_cambios: 2,
      });
      expect(stockOf('S-1')).toBe(4);
      expect(stockOf('S-2')).toBe(7);
      expect(stockOf('S-2', 'NAVE 2')).toBe(2.5);
      expect(stockOf('S-3')).toBeNull();
      const movements = core.services.inventory.listMovements({
        tipo: 'AJUSTE',
        page: 1,
        page_size: 10,
      }).items;
      expect(movements).toHaveLength(2);
      expect(movements[1]).toMatchObject({
        codigo: 'S-1',
        cantidad: 4,
        estado: 'APROBADO',
        origen: 'importacion',
        creado_por: 'cli:prueba',
        aprobado_por: 'cli:prueba',
        stock_anterior: 0,
        stock_resultante: 4,
        referencia: `Importación ${ended.id} (recuento.csv, línea 2)`,
      });
      // S-1 is now below its minimum of 10.
      expect(events().slice(eventsBefore)).toEqual([
        'movimiento_creado',
        'movimiento_aprobado',
        'stock_bajo',
        'alerta_generada',
        'movimiento_creado',
        'movimiento_aprobado',
      ]);
      expect(
        core.services.inventory.listAlerts({ estado: 'ABIERTA', page: 1, page_size: 10 }).items,
      ).toEqual([expect.objectContaining({ codigo: 'S-1', cantidad_actual: 4 })]);
      const deliveries = core.db
        .prepare('SELECT evento FROM webhook_deliveries ORDER BY id')
        .pluck()
        .all();
      expect(deliveries).toEqual(['movimiento_aprobado', 'stock_bajo', 'movimiento_aprobado']);
    });

    it('with sumar adds the quantities through ENTRADA movements', async () => {
      const ended = await run({ kind: 'stock', add: true }, [
        stockRecord(2, 'S-2', 'PRINCIPAL', 3),
        stockRecord(3, 'S-3', 'PRINCIPAL', 0),
      ]);
      expect(ended).toMatchObject({ creados: 0, actualizados: 1, sin_cambios: 1 });
      expect(stockOf('S-2')).toBe(10);
      expect(
        core.services.inventory.listMovements({ tipo: 'ENTRADA', page: 1, page_size: 10 }).items[0],
      ).toMatchObject({ codigo: 'S-2', cantidad: 3, stock_anterior: 7, stock_resultante: 10 });
    });

    it('rejects unknown codes and a code repeated in the same almacén, pointing at line and column', async () => {
      const before = dataDigest();
      const ended = await run({ kind: 'stock' }, [
        stockRecord(2, 'S-1', 'PRINCIPAL', 1),
        stockRecord(3, 'NO-EXISTE', 'PRINCIPAL', 1),
        stockRecord(4, 'S-1', 'NAVE 2', 1),
        stockRecord(5, 'S-1', 'PRINCIPAL', 2),
      ]);
      expect(ended).toMatchObject({ estado: 'RECHAZADA', rechazados: 3 });
      expect(dataDigest()).toBe(before);
      expect(issuesOf(ended.id).map((i) => [i.linea, i.columna, i.mensaje])).toEqual([
        [
          2,
          'Código',
          'El código «S-1» en el almacén «PRINCIPAL» aparece 2 veces en el archivo (la primera, en la línea 2): deje una sola fila por artículo y almacén.',
        ],
        [
          3,
          'Código',
          'No existe ningún artículo con el código «NO-EXISTE»: impórtelo antes (tipo artículos) o corrija el código.',
        ],
        [5, 'Código', expect.stringContaining('«S-1» en el almacén «PRINCIPAL»')],
      ]);
    });

    it('a dry run of a count reports what would move without creating movements', async () => {
      const before = dataDigest();
      const ended = await run({ kind: 'stock', dryRun: true }, [
        stockRecord(2, 'S-2', 'PRINCIPAL', 7),
        stockRecord(3, 'S-2', 'NAVE 2', 1),
        stockRecord(4, 'S-1', 'PRINCIPAL', 0),
        stockRecord(5, 'S-3', 'PRINCIPAL', 5),
      ]);
      expect(ended).toMatchObject({
        estado: 'COMPLETADA',
        simulacion: true,
        creados: 2,
        actualizados: 0,
        sin_cambios: 2,
      });
      expect(dataDigest()).toBe(before);
    });
  });

  it('keeps at most 10,000 problems per import in the history, errors first', async () => {
    const records = Array.from({ length: 10_050 }, (_, i) =>
      badRecord(i + 2, [`Z-${i}`, ''], 'Nombre', 'Falta el nombre'),
    );
    records[0]!.issues.unshift({ line: 2, column: null, message: 'Aviso', severity: 'warning' });
    const ended = await run({}, async () => ({
      ...sourceOf('articulos', records, 2000),
    }));
    expect(ended).toMatchObject({ rechazados: 10_050, errores: 10_050, advertencias: 1 });
    const stored = history().issues(ended.id, { page: 1, page_size: 1 });
    expect(stored.total).toBe(10_000);
    expect(stored.items[0]).toMatchObject({ linea: 2, severidad: 'error' });
  });
});

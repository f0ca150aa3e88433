import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  previewCsv,
  readCsv,
  writeRejectedCsv,
  type AnyRecord,
  type ReadCsvOptions,
} from '../../src/main/imports/read';
import { MAX_RECORD_CHARS } from '../../src/main/imports/read/record-stream';
import type { ArticleRow, ReadOptions, StockRow } from '../../src/main/imports/types';
import { AppError } from '../../src/shared/errors';

// Every fixture is written by the test that reads it, byte for byte, into one temp folder.

const dir = mkdtempSync(join(tmpdir(), 'gsih-csv-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function fixture(content: string | Buffer, encoding: 'utf-8' | 'windows-1252' = 'utf-8') {
  const path = join(dir, `f${++fileCount}.csv`);
  writeFileSync(
    path,
    typeof content === 'string'
      ? iconv.encode(content, encoding === 'utf-8' ? 'utf8' : 'win1252')
      : content,
  );
  return path;
}

const ARTICLES: ReadOptions = { kind: 'articulos' };
const STOCK: ReadOptions = { kind: 'stock' };

async function readAll(
  path: string,
  options: ReadOptions = ARTICLES,
  read: ReadCsvOptions = {},
): Promise<AnyRecord[]> {
  const all: AnyRecord[] = [];
  for await (const batch of readCsv(path, options, read)) all.push(...batch);
  return all;
}

const rows = (records: AnyRecord[]) => records.map((r) => r.row);

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** Open descriptors of this process that point at `path`. */
function openDescriptors(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // the descriptor used to list the folder is gone by now
    }
  }).length;
}

const ACCENTED = 'Código;Nombre;Material;Diámetro (mm)\r\nA-1;Tubo ñandú 1/2" º;acero;12,5\r\n';

describe('encoding', () => {
  it('reads UTF-8 without a BOM', async () => {
    const preview = await previewCsv(fixture(ACCENTED), ARTICLES);
    expect(preview.detection).toMatchObject({
      encoding: 'utf-8',
      encodingSource: 'detectado',
      bom: false,
    });
    expect(preview.headers).toEqual(['Código', 'Nombre', 'Material', 'Diámetro (mm)']);
    expect(preview.records[0]!.row).toMatchObject({ nombre: 'Tubo ñandú 1/2" º', diametro: 12.5 });
  });

  it('reads UTF-8 with a BOM, which does not stick to the first header', async () => {
    const path = fixture(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ACCENTED)]));
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(preview.headers[0]).toBe('Código');
    expect(preview.mapping.codigo).toBe(0);
    expect(preview.records[0]!.row).toMatchObject({ codigo: 'A-1', nombre: 'Tubo ñandú 1/2" º' });
  });

  it('reads UTF-16 LE and BE with a BOM', async () => {
    const le = fixture(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ACCENTED, 'utf16le')]),
    );
    const be = fixture(
      Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(ACCENTED, 'utf16be')]),
    );
    for (const [path, encoding] of [
      [le, 'utf-16le'],
      [be, 'utf-16be'],
    ] as const) {
      const preview = await previewCsv(path, ARTICLES);
      expect(preview.detection).toMatchObject({ encoding, bom: true, delimiter: ';' });
      expect(preview.records[0]!.row).toMatchObject({
        codigo: 'A-1',
        nombre: 'Tubo ñandú 1/2" º',
        diametro: 12.5,
      });
    }
  });

  it('reads Windows-1252 (€ is 0x80, which Latin-1 would get wrong)', async () => {
    const path = fixture(
      'Código;Descripción;Material\r\nÑ-01;Válvula 1€ nº 3 año;latón\r\n',
      'windows-1252',
    );
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection).toMatchObject({ encoding: 'windows-1252', bom: false });
    expect(preview.headers).toEqual(['Código', 'Descripción', 'Material']);
    expect(preview.records[0]!.row).toMatchObject({
      codigo: 'Ñ-01',
      nombre: 'Válvula 1€ nº 3 año',
      material: 'latón',
    });
  });

  it('reads Windows-1252 whose first accented letter is far past the sample', async () => {
    // 400 KB of plain ASCII first: the first 256 KB alone would look like UTF-8.
    const ascii = Array.from({ length: 10_000 }, (_, i) => `A${i};Tubo recto ${i}\r\n`).join('');
    const path = fixture(`codigo;nombre\r\n${ascii}Z-1;Codo ñ 90º\r\n`, 'windows-1252');
    const records = await readAll(path);
    expect(records).toHaveLength(10_001);
    expect(records.at(-1)!.row).toMatchObject({ codigo: 'Z-1', nombre: 'Codo ñ 90º' });
    expect((await previewCsv(path, ARTICLES)).detection.encoding).toBe('windows-1252');
  });

  it('uses the encoding it is given instead of detecting one', async () => {
    const path = fixture('codigo;nombre\nA;año\n');
    const preview = await previewCsv(path, { ...ARTICLES, encoding: 'windows-1252' });
    expect(preview.detection).toMatchObject({
      encoding: 'windows-1252',
      encodingSource: 'indicado',
    });
    // The UTF-8 bytes of ñ read as two Windows-1252 characters: the choice was honoured.
    expect(preview.records[0]!.row).toMatchObject({ nombre: 'aÃ±o' });
  });

  it('refuses a 0-byte file', async () => {
    const error = await failure(previewCsv(fixture(''), ARTICLES));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/vacío \(0 bytes\)/);
  });

  it('refuses a file with only blank lines', async () => {
    const error = await failure(previewCsv(fixture('\r\n  \r\n;;\r\n'), ARTICLES));
    expect(error.message).toMatch(/solo contiene líneas vacías/);
  });

  it('refuses binary files, naming Excel workbooks', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect((await failure(previewCsv(fixture(random), ARTICLES))).message).toMatch(/bytes nulos/);
    const xlsx = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]);
    expect((await failure(readAll(fixture(xlsx)))).message).toMatch(/Excel \.xlsx/);
    // No NUL at all, but mostly control characters: not text either.
    const controls = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 1 : 65)));
    expect((await failure(previewCsv(fixture(controls), ARTICLES))).message).toMatch(
      /caracteres de control/,
    );
  });

  it('points at utf-16le for UTF-16 text without a BOM, and reads it when told', async () => {
    const path = fixture(Buffer.from('codigo;nombre\r\nA;Tubo\r\n', 'utf16le'));
    expect((await failure(previewCsv(path, ARTICLES))).message).toMatch(/utf-16le/);
    const preview = await previewCsv(path, { ...ARTICLES, encoding: 'utf-16le' });
    expect(preview.records[0]!.row).toMatchObject({ codigo: 'A', nombre: 'Tubo' });
  });

  it('says which file does not exist', async () => {
    const error = await failure(previewCsv(join(dir, 'nope.csv'), ARTICLES));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('nope.csv');
  });
});

describe('delimiter', () => {
  it('picks ; over the decimal commas in its rows', async () => {
    const path = fixture(
      'codigo;nombre;diametro;stock minimo\nA;Tubo;12,5;3,25\nB;Codo;8,75;1,5\n',
    );
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection).toMatchObject({ delimiter: ';', delimiterSource: 'detectado' });
    expect(rows(preview.records)).toMatchObject([
      { codigo: 'A', diametro: 12.5, stock_minimo: 3.25 },
      { codigo: 'B', diametro: 8.75, stock_minimo: 1.5 },
    ]);
  });

  it('is not fooled by delimiters inside quoted fields', async () => {
    const path = fixture(
      'codigo,nombre,material\n"A;1","Tubo; largo; de acero","inox; 316"\n"B;2","Codo; 90","latón; CW617N"\n',
    );
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection.delimiter).toBe(',');
    expect(preview.records[1]!.row).toMatchObject({
      codigo: 'B;2',
      nombre: 'Codo; 90',
      material: 'latón; CW617N',
    });
  });

  it('detects tab and |', async () => {
    const tab = await previewCsv(fixture('codigo\tnombre\nA\tTubo, 1,5 m\n'), ARTICLES);
    expect(tab.detection.delimiter).toBe('\t');
    expect(tab.records[0]!.row).toMatchObject({ nombre: 'Tubo, 1,5 m' });
    const pipe = await previewCsv(fixture('codigo|nombre|diametro\nA|Tubo; 2|3,5\n'), ARTICLES);
    expect(pipe.detection.delimiter).toBe('|');
    expect(pipe.records[0]!.row).toMatchObject({ nombre: 'Tubo; 2', diametro: 3.5 });
  });

  it("honours Excel's sep= line and does not take it for the header", async () => {
    const path = fixture('sep=|\r\ncodigo|nombre\r\nA;1|Tubo, recto\r\n');
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection.delimiter).toBe('|');
    expect(preview.headers).toEqual(['codigo', 'nombre']);
    expect(preview.records[0]).toMatchObject({ line: 3, row: { codigo: 'A;1' } });
  });

  it('uses the delimiter it is given', async () => {
    const path = fixture('codigo;nombre,diametro\nA;Tubo,5\n');
    const preview = await previewCsv(path, { ...ARTICLES, delimiter: ',' });
    expect(preview.detection).toMatchObject({ delimiter: ',', delimiterSource: 'indicado' });
    expect(preview.headers).toEqual(['codigo;nombre', 'diametro']);
    expect(preview.missingRequired).toEqual(['codigo', 'nombre']);
  });
});

describe('numbers', () => {
  it('detects the format per column: decimal comma in one, decimal point in another', async () => {
    const path = fixture(
      'codigo;nombre;diametro;stock_min\n' +
        'A;Tubo;1.234,56;1,234.5\n' +
        'B;Codo;12,5;10.25\n' +
        'C;Te;1234,5;2,000,000\n',
    );
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection.numberFormats).toEqual({ diametro: 'coma', stock_minimo: 'punto' });
    expect(preview.detection.numberFormatSource).toBe('detectado');
    expect(rows(preview.records)).toMatchObject([
      { diametro: 1234.56, stock_minimo: 1234.5 },
      { diametro: 12.5, stock_minimo: 10.25 },
      { diametro: 1234.5, stock_minimo: 2_000_000 },
    ]);
  });

  it('reads a column of only 1.234-like values by the delimiter: thousands in a ; file', async () => {
    const semicolon = await previewCsv(fixture('codigo;nombre;diametro\nA;Tubo;1.500\n'), ARTICLES);
    expect(semicolon.detection.numberFormats.diametro).toBe('coma');
    expect(semicolon.records[0]!.row).toMatchObject({ diametro: 1500 });
    const comma = await previewCsv(fixture('codigo,nombre,diametro\nA,Tubo,1.500\n'), ARTICLES);
    expect(comma.detection.numberFormats.diametro).toBe('punto');
    expect(comma.records[0]!.row).toMatchObject({ diametro: 1.5 });
  });

  it('lets a column without evidence follow the other numeric columns', async () => {
    const path = fixture('codigo,nombre,diametro,minimo\nA,Tubo,"1.500","2,5"\n');
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.detection.numberFormats).toEqual({ diametro: 'coma', stock_minimo: 'coma' });
    expect(preview.records[0]!.row).toMatchObject({ diametro: 1500, stock_minimo: 2.5 });
  });

  it('uses the number format it is given, and says a value does not fit it', async () => {
    const path = fixture('codigo;nombre;Diámetro (mm)\nA;Tubo;12,5\nB;Codo;1,234.5\n');
    const preview = await previewCsv(path, { ...ARTICLES, numberFormat: 'punto' });
    expect(preview.detection).toMatchObject({
      numberFormats: { diametro: 'punto' },
      numberFormatSource: 'indicado',
    });
    expect(preview.records[0]!.row).toBeNull();
    expect(preview.records[0]!.issues).toEqual([
      {
        line: 2,
        column: 'Diámetro (mm)',
        message: expect.stringMatching(/«12,5» no es un número válido .*punto decimal/),
        severity: 'error',
      },
    ]);
    expect(preview.records[1]!.row).toMatchObject({ diametro: 1234.5 });
  });

  it('parses negative numbers but refuses them by range, and refuses text', async () => {
    const path = fixture(
      'codigo;nombre;diametro;stock minimo\nA;Tubo;-3;0\nB;Codo;abc;-0,5\nC;Te;2000000000;1\n',
    );
    const records = await readAll(path);
    expect(records.map((r) => r.issues.map((i) => [i.column, i.message]))).toEqual([
      [['diametro', 'El diámetro no puede ser menor que 0: -3.']],
      [
        ['diametro', expect.stringMatching(/^«abc» no es un número válido para diámetro/)],
        ['stock minimo', 'El stock mínimo no puede ser menor que 0: -0,5.'],
      ],
      [['diametro', expect.stringMatching(/supera el máximo permitido \(1\.000\.000\.000\)/)]],
    ]);
    expect(rows(records)).toEqual([null, null, null]);
  });
});

describe('columns', () => {
  it('matches headers by name whatever their case, accents, spacing, punctuation and units', async () => {
    const path = fixture(
      'Cód.;DESCRIPCIÓN;Observaciones;Ø (mm);Ud.;Stock Mín.;Ref. ERP;Materia\nA;Tubo;x;5;m;2;E-9;acero\n',
    );
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.mapping).toEqual({
      codigo: 0,
      nombre: 1,
      material: 7,
      diametro: 3,
      unidad: 4,
      stock_minimo: 5,
      referencia_externa: 6,
    });
    expect(preview.unmappedHeaders).toEqual(['Observaciones']);
    expect(preview.missingRequired).toEqual([]);
    expect(preview.records[0]!.row).toEqual({
      codigo: 'A',
      nombre: 'Tubo',
      material: 'acero',
      diametro: 5,
      unidad: 'm',
      stock_minimo: 2,
      referencia_externa: 'E-9',
    });
  });

  it('matches stock columns by their aliases', async () => {
    const path = fixture('SKU;Bodega;Existencias;Nombre\n00123;Central;1.250,5;Tubo\n');
    const preview = await previewCsv(path, STOCK);
    expect(preview.mapping).toEqual({ codigo: 0, almacen: 1, cantidad: 2 });
    expect(preview.unmappedHeaders).toEqual(['Nombre']);
    expect(preview.records[0]!.row).toEqual({
      codigo: '00123',
      almacen: 'Central',
      cantidad: 1250.5,
    } satisfies StockRow);
  });

  it('prefers the better alias when two columns match one field', async () => {
    const preview = await previewCsv(fixture('Referencia;Nombre;Código\nR;Tubo;C\n'), ARTICLES);
    expect(preview.mapping.codigo).toBe(2);
    expect(preview.unmappedHeaders).toEqual(['Referencia']);
  });

  it('takes the mapping it is given: a header per field, null to skip one', async () => {
    const path = fixture('Artículo;Texto;Material;Nombre\nA;Tubo largo;acero;T\n');
    const preview = await previewCsv(path, {
      ...ARTICLES,
      mapping: { codigo: 'Artículo', nombre: 'texto', material: null },
    });
    expect(preview.mapping).toMatchObject({ codigo: 0, nombre: 1, material: null });
    expect(preview.unmappedHeaders).toEqual(['Material', 'Nombre']);
    expect(preview.records[0]!.row).toMatchObject({
      codigo: 'A',
      nombre: 'Tubo largo',
      material: null,
    });
  });

  it('refuses a mapping to a header the file does not have', async () => {
    const path = fixture('codigo;nombre\nA;B\n');
    const error = await failure(
      previewCsv(path, { ...ARTICLES, mapping: { nombre: 'Descripción larga' } }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/«Descripción larga» indicada para nombre no está en el archivo/);
  });

  it('previews a file missing a required column but refuses to read it', async () => {
    const path = fixture('codigo;material\nA;acero\n');
    const preview = await previewCsv(path, ARTICLES);
    expect(preview.missingRequired).toEqual(['nombre']);
    expect(preview.records[0]!.row).toBeNull();
    expect(preview.records[0]!.issues[0]!.message).toMatch(/No hay columna para nombre/);
    const error = await failure(readAll(path));
    expect(error.message).toMatch(/Faltan columnas obligatorias: nombre\./);
    expect(error.details).toEqual({ nombre: 'Sin columna en el archivo' });
  });

  it('requires codigo, almacen and cantidad for stock', async () => {
    const preview = await previewCsv(fixture('codigo;cantidad\nA;1\n'), STOCK);
    expect(preview.missingRequired).toEqual(['almacen']);
  });
});

describe('rows', () => {
  it('keeps codes as text with their leading zeros, trims text, and makes empty optionals null', async () => {
    const path = fixture(
      'codigo;nombre;material;diametro;unidad;stock minimo;referencia externa\n' +
        '00123;  Tubo  ;;;; ;\n' +
        '0007; Codo;  acero ;0,50;m;010;  ERP-1 \n',
    );
    expect(rows(await readAll(path))).toEqual([
      {
        codigo: '00123',
        nombre: 'Tubo',
        material: null,
        diametro: null,
        unidad: null,
        stock_minimo: null,
        referencia_externa: null,
      },
      {
        codigo: '0007',
        nombre: 'Codo',
        material: 'acero',
        diametro: 0.5,
        unidad: 'm',
        stock_minimo: 10,
        referencia_externa: 'ERP-1',
      },
    ]);
  });

  it('refuses empty required fields, each with its column as written in the file', async () => {
    const records = await readAll(fixture('SKU;Almacén;Cantidad\n;PRINCIPAL;\nB; ;3\n'), STOCK);
    expect(records.map((r) => r.issues.map((i) => `${i.column}: ${i.message}`))).toEqual([
      [
        'SKU: Falta el código: la celda está vacía y es obligatoria.',
        'Cantidad: Falta la cantidad: la celda está vacía y es obligatoria.',
      ],
      ['Almacén: Falta el almacén: la celda está vacía y es obligatoria.'],
    ]);
  });

  it('refuses codes that are too long or hold a line break', async () => {
    const path = fixture(
      `codigo;nombre\n${'X'.repeat(65)};Tubo\n"A\nB";Codo\n${'Y'.repeat(64)};Te\n`,
    );
    const records = await readAll(path);
    expect(records.map((r) => r.issues.map((i) => i.message))).toEqual([
      ['El código tiene 65 caracteres; el máximo es 64.'],
      ['El código no puede tener saltos de línea ni tabuladores: «A B».'],
      [],
    ]);
    expect(records[2]!.row).toMatchObject({ codigo: 'Y'.repeat(64) });
  });

  it('gives a 1 MB field a row error that names the limit, and reads on', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const path = fixture(`codigo;nombre\nA;"${big}"\nB;Codo\n`);
    const records = await readAll(path);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ line: 2, row: null });
    expect(records[0]!.issues).toEqual([
      {
        line: 2,
        column: 'nombre',
        message: 'El nombre tiene 1.048.576 caracteres; el máximo es 200.',
        severity: 'error',
      },
    ]);
    expect(records[1]).toMatchObject({ line: 3, row: { codigo: 'B', nombre: 'Codo' } });
  });

  it('reports ragged rows at their line; blank extra fields only warn', async () => {
    const path = fixture(
      'codigo;nombre;material\nA;Tubo\nB;Codo;acero;x\nC;Te;inox;;\nD;Cruz;pvc\n',
    );
    const records = await readAll(path);
    expect(
      records.map((r) => [r.line, r.row?.codigo ?? null, r.issues.map((i) => i.severity)]),
    ).toEqual([
      [2, null, ['error']],
      [3, null, ['error']],
      [4, 'C', ['warning']],
      [5, 'D', []],
    ]);
    expect(records[0]!.issues[0]).toMatchObject({
      column: null,
      message: expect.stringMatching(
        /^La fila tiene 2 campos y la cabecera 3\. Revise los separadores \(punto y coma \(;\)\)/,
      ),
    });
    expect(records[1]!.issues[0]!.message).toMatch(/tiene 4 campos y la cabecera 3/);
  });

  it('reports malformed quotes as a row error', async () => {
    const records = await readAll(
      fixture('codigo;nombre;material\nA;"Tubo "grande" x";acero\nB;Codo;inox\n'),
    );
    expect(records[0]!.row).toBeNull();
    expect(records[0]!.issues.map((i) => i.message)).toContainEqual(
      expect.stringMatching(/^Comillas mal puestas/),
    );
    expect(records[1]).toMatchObject({ line: 3, row: { codigo: 'B' } });
  });
});

describe('lines', () => {
  it('numbers records by the physical line they start on, across quoted line breaks', async () => {
    const path = fixture(
      'codigo;nombre;material\r\n' +
        'A;"Tubo\r\nlargo";acero\r\n' +
        'B;"Codo\r\n\r\n90º";"latón\r\nCW617N"\r\n' +
        'C;Te;inox\r\n',
    );
    const records = await readAll(path);
    expect(records.map((r) => r.line)).toEqual([2, 4, 8]);
    expect(records[1]!.row).toMatchObject({
      nombre: 'Codo\r\n\r\n90º',
      material: 'latón\r\nCW617N',
    });
    // CRLF line ends do not leave a \r on the last field.
    expect(records[2]!.row).toMatchObject({ material: 'inox' });
  });

  it('skips empty lines and lines of only delimiters, counting them', async () => {
    const path = fixture('\ncodigo;nombre\n\nA;Tubo\n;\n   \n\nB;Codo\n\n');
    const records = await readAll(path);
    expect(records.map((r) => [r.line, r.row?.codigo])).toEqual([
      [4, 'A'],
      [8, 'B'],
    ]);
  });

  it('reports an unclosed quote at the end of the file at the line it opens', async () => {
    const records = await readAll(fixture('codigo;nombre\nA;Tubo\nB;"Codo\nC;Te\n'));
    expect(records.map((r) => r.line)).toEqual([2, 3]);
    expect(records[1]!.row).toBeNull();
    expect(records[1]!.issues.map((i) => i.message).join(' ')).toMatch(/Comillas mal puestas/);
  });

  it('refuses a record that never ends (an open quote swallowing the file)', async () => {
    const rest = 'B;Codo sin comillas de cierre\n'.repeat(Math.ceil(MAX_RECORD_CHARS / 28) + 1000);
    const path = fixture(`codigo;nombre\nA;Tubo\nA2;Tubo\nB;"Codo\n${rest}`);
    const error = await failure(readAll(path));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(
      /^El registro que empieza en la línea 4 ocupa más de 8 MB.*comillas/,
    );
  });

  it('keeps lines and characters right across read chunks (multi-line fields, multibyte text)', async () => {
    // ~2 MB: several read chunks, with quoted line breaks and 2- and 3-byte characters landing on
    // chunk edges somewhere.
    let text = 'codigo;nombre;diametro\n';
    const expected: { line: number; codigo: string; nombre: string }[] = [];
    let line = 2;
    for (let i = 0; i < 40_000; i++) {
      const nombre = i % 7 === 0 ? `Tubo ñ€\n${i}\nfin` : `Válvula ${i} €`;
      text += `C${i};${nombre.includes('\n') ? `"${nombre}"` : nombre};${i},5\n`;
      expected.push({ line, codigo: `C${i}`, nombre });
      line += nombre.split('\n').length;
      if (i % 1000 === 0) {
        text += '\n';
        line++;
      }
    }
    const records = await readAll(fixture(text), ARTICLES, { batchSize: 3000 });
    expect(
      records.map((r) => ({
        line: r.line,
        codigo: r.row?.codigo,
        nombre: (r.row as ArticleRow | null)?.nombre,
      })),
    ).toEqual(expected);
    expect(records.every((r, i) => (r.row as ArticleRow).diametro === i + 0.5)).toBe(true);
  });
});

describe('header-only files', () => {
  it('are an error for the preview and for the read, not an empty import', async () => {
    for (const content of ['codigo;nombre\r\n', 'codigo;nombre', 'codigo;nombre\n\n;\n\n']) {
      const path = fixture(content);
      expect((await failure(previewCsv(path, ARTICLES))).message).toBe(
        'El archivo solo tiene la fila de cabecera (línea 1): no hay filas que importar.',
      );
      expect((await failure(readAll(path))).code).toBe('VALIDATION');
    }
  });
});

describe('reading', () => {
  const manyRows = (n: number) =>
    'codigo;nombre\n' + Array.from({ length: n }, (_, i) => `A${i};Tubo ${i}\n`).join('');

  it('yields batches of the requested size and reports progress to the last byte', async () => {
    const path = fixture(manyRows(10_500));
    const sizes: number[] = [];
    const progress: { bytes: number; totalBytes: number; records: number }[] = [];
    for await (const batch of readCsv(path, ARTICLES, {
      batchSize: 2500,
      onProgress: (p) => progress.push(p),
    })) {
      sizes.push(batch.length);
    }
    expect(sizes).toEqual([2500, 2500, 2500, 2500, 500]);
    const last = progress.at(-1)!;
    expect(last.records).toBe(10_500);
    expect(last.bytes).toBe(last.totalBytes);
    expect(progress.map((p) => p.records)).toEqual([2500, 5000, 7500, 10_000, 10_500]);
  });

  it('stops on abort with the signal reason and closes the file', async () => {
    const path = fixture(manyRows(200_000));
    const controller = new AbortController();
    const reader = readCsv(path, ARTICLES, { batchSize: 1000, signal: controller.signal });
    const first = await reader.next();
    expect(first.value).toHaveLength(1000);
    expect(openDescriptors(path)).toBe(1);
    controller.abort();
    await expect(reader.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(openDescriptors(path)).toBe(0);
    expect((await reader.next()).done).toBe(true);
  });

  it('closes the file when the consumer stops early', async () => {
    const path = fixture(manyRows(200_000));
    for await (const batch of readCsv(path, ARTICLES, { batchSize: 100 })) {
      expect(batch).toHaveLength(100);
      break;
    }
    expect(openDescriptors(path)).toBe(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const reader = readCsv(fixture(manyRows(10)), ARTICLES, { signal: AbortSignal.abort() });
    await expect(reader.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('rejected rows report', () => {
  it('round-trips in Windows-1252 with ; and an error column, quoting what needs it', async () => {
    const path = fixture(
      'Código;Descripción;Diámetro (mm)\r\n' +
        'Ñ-1;"Válvula; 1€ ""doble""";abc\r\n' +
        'Ñ-2;"Codo\r\nlargo nº 2";-1\r\n',
      'windows-1252',
    );
    const records = await readAll(path);
    const { detection, headers } = await previewCsv(path, ARTICLES);
    const report = writeRejectedCsv(
      records.map((r) => ({
        line: r.line,
        fields: r.fields,
        message: r.issues.map((i) => i.message).join(' | '),
      })),
      headers,
      detection,
    );
    // Windows-1252 bytes: ñ/Ñ is 0xD1, € is 0x80, no UTF-8 sequences.
    expect(report.includes(0xd1)).toBe(true);
    expect(report.includes(0x80)).toBe(true);
    expect(report.includes(Buffer.from('Ñ', 'utf8'))).toBe(false);

    const reportPath = fixture(report);
    const back = await previewCsv(reportPath, ARTICLES);
    expect(back.detection).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(back.headers).toEqual(['línea', 'error', 'Código', 'Descripción', 'Diámetro (mm)']);
    expect(back.records.map((r) => r.fields)).toEqual([
      ['2', records[0]!.issues[0]!.message, 'Ñ-1', 'Válvula; 1€ "doble"', 'abc'],
      ['3', 'El diámetro no puede ser menor que 0: -1.', 'Ñ-2', 'Codo\r\nlargo nº 2', '-1'],
    ]);
    expect(back.records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('keeps the BOM of a UTF-8 file so Excel opens the report as UTF-8', () => {
    const report = writeRejectedCsv([{ line: 2, fields: ['A', 'ñ'], message: 'x' }], ['a', 'b'], {
      encoding: 'utf-8',
      bom: true,
      delimiter: ',',
    });
    expect(report.toString('utf8')).toBe('\ufefflínea,error,a,b\r\n2,x,A,ñ\r\n');
  });
});

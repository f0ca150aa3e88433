import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../src/main/imports/read/delimiter';
import { completeUtf8Length, createDecoder } from '../../src/main/imports/read/encoding';
import { matchColumns, normalizeHeader } from '../../src/main/imports/read/headers';
import {
  detectColumnFormat,
  fallbackFormat,
  formatEvidence,
  parseNumber,
} from '../../src/main/imports/read/numbers';

// The reader's pure parts, on values rather than files.

describe('parseNumber', () => {
  it('reads decimal comma numbers, with or without thousands separators', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['12', 12],
      ['00123', 123],
      ['12,5', 12.5],
      ['1234,5', 1234.5],
      ['1.234', 1234],
      ['1.234,56', 1234.56],
      ['12.345.678,9', 12345678.9],
      ['1 234,5', 1234.5],
      ['1\u00a0234,5', 1234.5],
      [',5', 0.5],
      ['-3,25', -3.25],
      ['+7', 7],
      ['0,1', 0.1],
      ['12,34', 12.34],
    ];
    for (const [text, value] of cases)
      expect([text, parseNumber(text, 'coma')]).toEqual([text, value]);
  });

  it('reads decimal point numbers, with or without thousands separators', () => {
    const cases: [string, number][] = [
      ['12.5', 12.5],
      ['1,234', 1234],
      ['1,234.56', 1234.56],
      ['1,234,567', 1234567],
      ['-0.75', -0.75],
    ];
    for (const [text, value] of cases)
      expect([text, parseNumber(text, 'punto')]).toEqual([text, value]);
  });

  it('refuses what does not fit the format, rather than reading a different number', () => {
    const coma = [
      '12.5',
      '1234.5',
      '1.23,4',
      '1.2345',
      '1,2,3',
      '12,',
      '-',
      '',
      'abc',
      '12 mm',
      '1e5',
      '1..234',
      '1.234 567',
    ];
    for (const text of coma) expect([text, parseNumber(text, 'coma')]).toEqual([text, undefined]);
    const punto = ['12,5', '1,23', '1.234,5'];
    for (const text of punto) expect([text, parseNumber(text, 'punto')]).toEqual([text, undefined]);
  });

  it('rounds like Number() does, also past 15 digits, and -0 is 0', () => {
    for (const text of [
      '0,3',
      '123456,789',
      '99999999999999,9',
      '1234567890123456789,5',
      '0,000001',
    ]) {
      expect(parseNumber(text, 'coma')).toBe(Number(text.replace(',', '.')));
    }
    expect(parseNumber('1.234.567.890.123.456.789', 'coma')).toBe(Number('1234567890123456789'));
    expect(Object.is(parseNumber('-0', 'coma'), 0)).toBe(true);
    expect(parseNumber('9'.repeat(400), 'coma')).toBeUndefined();
  });
});

describe('number format detection', () => {
  it('takes evidence only from values that read one way', () => {
    expect(formatEvidence('12,5')).toBe('coma');
    expect(formatEvidence('1.234,5')).toBe('coma');
    expect(formatEvidence('1.234.567')).toBe('coma');
    expect(formatEvidence('0,500')).toBe('coma');
    expect(formatEvidence('1234,567')).toBe('coma');
    expect(formatEvidence('12.5')).toBe('punto');
    expect(formatEvidence('1,234.5')).toBe('punto');
    expect(formatEvidence('1,234,567')).toBe('punto');
    // Thousands in one format, three decimals in the other.
    expect(formatEvidence('1,234')).toBeNull();
    expect(formatEvidence('-1.234')).toBeNull();
    expect(formatEvidence('42')).toBeNull();
  });

  it('follows the majority of a column, and falls back to the other columns, then the delimiter', () => {
    expect(detectColumnFormat(['1', '12,5', '3', '1.000'])).toBe('coma');
    expect(detectColumnFormat(['1.5', '2.25', '3,5'])).toBe('punto');
    expect(detectColumnFormat(['1', '1.000', ''])).toBeNull();
    expect(fallbackFormat([null, 'punto'], ';')).toBe('punto');
    expect(fallbackFormat([null], ';')).toBe('coma');
    expect(fallbackFormat([null], '\t')).toBe('coma');
    expect(fallbackFormat([null], ',')).toBe('punto');
  });
});

describe('detectDelimiter', () => {
  it('anchors on the header, so decimal commas in the rows do not win', () => {
    const sample = 'codigo;nombre;diametro\nA;Tubo;12,5\nB;Codo;1,25\nC;Te;3\n';
    expect(detectDelimiter(sample, '\n', true)).toBe(';');
  });

  it('prefers the split that keeps rows as wide as the header, then the widest', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n"x;y",2,3\n', '\n', true)).toBe(',');
    expect(detectDelimiter('a\tb\tc\td\n1,5\t2\t3\t4\n', '\n', true)).toBe('\t');
    expect(detectDelimiter('a|b\n1|2\n', '\n', true)).toBe('|');
    // One column whatever the delimiter: the Spanish default.
    expect(detectDelimiter('codigo\nA\n', '\n', true)).toBe(';');
  });
});

describe('headers', () => {
  it('normalise case, accents, spacing, punctuation and units away', () => {
    expect(normalizeHeader('Diámetro (mm)')).toBe('diametro');
    expect(normalizeHeader('  STOCK_Mín. ')).toBe('stockmin');
    expect(normalizeHeader('Cód. artículo')).toBe('codarticulo');
    expect(normalizeHeader('Ø [mm]')).toBe('ø');
    expect(normalizeHeader('Unidad de medida')).toBe('unidaddemedida');
  });

  it('map each column to one field at most', () => {
    const { mapping, unmappedHeaders } = matchColumns('stock', [
      'Código',
      'Cód.',
      'Almacén',
      'Stock',
    ]);
    expect(mapping).toEqual({ codigo: 0, almacen: 2, cantidad: 3 });
    expect(unmappedHeaders).toEqual(['Cód.']);
  });

  it('refuse one column given for two fields', () => {
    expect(() => matchColumns('articulos', ['A', 'B'], { codigo: 'A', nombre: 'A' })).toThrow(
      /asignada a dos campos/,
    );
  });

  it('leave blank headers out of the unmapped list', () => {
    expect(matchColumns('articulos', ['codigo', 'nombre', '', '']).unmappedHeaders).toEqual([]);
  });
});

describe('decoding', () => {
  it('reads Windows-1252 exactly as iconv-lite does, byte for byte', () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const decoder = createDecoder('windows-1252');
    expect(decoder.write(every)).toBe(iconv.decode(every, 'win1252'));
    expect(decoder.write(Buffer.from([0x80, 0x93, 0x94, 0xf1]))).toBe('€“”ñ');
  });

  it('keeps a UTF-8 character whole when a chunk ends inside it', () => {
    const bytes = Buffer.from('año €', 'utf8');
    const decoder = createDecoder('utf-8');
    const text = decoder.write(bytes.subarray(0, 2)) + decoder.write(bytes.subarray(2, 6));
    expect(text + decoder.write(bytes.subarray(6)) + (decoder.end() ?? '')).toBe('año €');
  });

  it('finds where a cut-off UTF-8 character starts', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect(completeUtf8Length(euro)).toBe(4);
    expect(completeUtf8Length(euro.subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(1);
    expect(completeUtf8Length(Buffer.from('abc'))).toBe(3);
  });
});

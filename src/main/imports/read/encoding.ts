import { isAscii, isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { AppError } from '../../../shared/errors';
import type { CsvEncoding } from '../types';

// Which encoding the file's bytes are in, and decoding them. Spreadsheets on Windows write UTF-8
// with a BOM ("CSV UTF-8"), UTF-16 with a BOM ("Texto Unicode") or, by default, Windows-1252 with
// no marker at all. Node's own TextDecoder('windows-1252') decodes as Latin-1 on this Node (0x80
// is not €), so Windows-1252 takes iconv-lite's mapping (see windows1252Decoder).

const ICONV_NAMES: Record<CsvEncoding, 'utf8' | 'utf16le' | 'utf16be' | 'win1252'> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  'windows-1252': 'win1252',
};

const BOMS: Record<CsvEncoding, readonly number[]> = {
  'utf-8': [0xef, 0xbb, 0xbf],
  'utf-16le': [0xff, 0xfe],
  'utf-16be': [0xfe, 0xff],
  'windows-1252': [],
};

/** How far to look for the first non-ASCII byte when the sample is all ASCII. */
const SCAN_CHUNK_BYTES = 1 << 20;

export interface EncodingChoice {
  encoding: CsvEncoding;
  source: 'detectado' | 'indicado';
  bom: boolean;
}

export interface Decoder {
  write(bytes: Buffer): string;
  end(): string | undefined;
}

/** Decodes chunk by chunk, keeping characters split across chunks whole; drops a leading BOM. */
export function createDecoder(encoding: CsvEncoding): Decoder {
  if (encoding === 'windows-1252') return windows1252Decoder;
  return iconv.getDecoder(ICONV_NAMES[encoding], { stripBOM: true });
}

/**
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F (€, ‚, „, …, ‘, ’, “, ”, –, —, ™ …).
 * Node decodes Latin-1 natively into compact one-byte strings, several times faster than a
 * table lookup per byte and faster for the parser to scan; the few characters of that range are
 * then replaced with iconv-lite's own mapping. Single-byte: no state between chunks.
 */
const WINDOWS_1252_HIGH = iconv.decode(
  Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)),
  'win1252',
);
const LATIN1_HIGH = /[\u0080-\u009f]/g;
const windows1252Decoder: Decoder = {
  write(bytes) {
    const text = bytes.toString('latin1');
    LATIN1_HIGH.lastIndex = 0;
    if (!LATIN1_HIGH.test(text)) return text;
    return text.replace(LATIN1_HIGH, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
  },
  end: () => undefined,
};

export function encodeText(text: string, encoding: CsvEncoding): Buffer {
  return iconv.encode(text, ICONV_NAMES[encoding], { addBOM: false });
}

export function byteOrderMark(encoding: CsvEncoding): Buffer {
  return Buffer.from(BOMS[encoding]);
}

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return prefix.length > 0 && prefix.every((b, i) => bytes[i] === b);
}

/**
 * The file's encoding, from its first bytes (`sample`) and, when those are all ASCII, from the
 * first non-ASCII bytes further on: a Windows-1252 file whose first `ñ` is on row 50,000 must not
 * be read as UTF-8.
 */
export async function detectEncoding(
  file: FileHandle,
  sample: Buffer,
  fileSize: number,
  forced: CsvEncoding | undefined,
): Promise<EncodingChoice> {
  refuseKnownBinary(sample);
  if (forced)
    return { encoding: forced, source: 'indicado', bom: startsWith(sample, BOMS[forced]) };

  for (const encoding of ['utf-8', 'utf-16le', 'utf-16be'] as const) {
    if (startsWith(sample, BOMS[encoding])) return { encoding, source: 'detectado', bom: true };
  }
  refuseNulBytes(sample);
  const utf8 = await looksLikeUtf8(file, sample, fileSize);
  return { encoding: utf8 ? 'utf-8' : 'windows-1252', source: 'detectado', bom: false };
}

async function looksLikeUtf8(file: FileHandle, sample: Buffer, fileSize: number) {
  let chunk = sample;
  let position = sample.length;
  while (isAscii(chunk)) {
    // All ASCII so far reads the same in both; the first non-ASCII bytes decide.
    if (position >= fileSize) return true;
    const buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, fileSize - position));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return true;
    chunk = buffer.subarray(0, bytesRead);
    position += bytesRead;
  }
  const firstNonAscii = chunk.findIndex((b) => b >= 0x80);
  // Both ends of the window may cut a character: start on the first non-ASCII byte (a lead byte
  // in valid UTF-8, since everything before it is ASCII) and end before an incomplete one.
  const window = chunk.subarray(firstNonAscii);
  return isUtf8(window.subarray(0, completeUtf8Length(window)));
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(4, end); back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'un archivo comprimido (ZIP), probablemente un libro de Excel .xlsx',
  },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'un libro de Excel antiguo (.xls)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'un PDF' },
];

function refuseKnownBinary(sample: Buffer): void {
  const known = SIGNATURES.find((s) => startsWith(sample, s.bytes));
  if (known) {
    throw new AppError(
      'VALIDATION',
      `El archivo no es un CSV: es ${known.what}. Ábralo en su programa y guárdelo como "CSV (delimitado por punto y coma)".`,
    );
  }
}

function refuseNulBytes(sample: Buffer): void {
  const firstNul = sample.indexOf(0);
  if (firstNul === -1) return;
  // Text in UTF-16 without a BOM has a NUL in every other byte; say so, since it can be read by
  // choosing the encoding.
  let nulsAtOdd = 0;
  let nulsAtEven = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 1) nulsAtOdd++;
      else nulsAtEven++;
    }
  }
  const half = sample.length / 2;
  const hint =
    nulsAtOdd > half * 0.5 && nulsAtEven === 0
      ? ' Si es texto UTF-16 sin marca BOM, indique la codificación utf-16le.'
      : nulsAtEven > half * 0.5 && nulsAtOdd === 0
        ? ' Si es texto UTF-16 sin marca BOM, indique la codificación utf-16be.'
        : '';
  throw new AppError(
    'VALIDATION',
    `El archivo no parece un CSV de texto: contiene bytes nulos (el primero en la posición ${firstNul}).${hint}`,
  );
}

/**
 * Refuses decoded text that is mostly control characters: a binary file decoded as
 * Windows-1252 is still "text" byte for byte, but no spreadsheet writes NULs or many controls.
 */
export function refuseBinaryText(text: string): void {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      throw new AppError(
        'VALIDATION',
        'El archivo no parece un CSV de texto: contiene caracteres nulos. Compruebe que eligió el archivo correcto y su codificación.',
      );
    }
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) controls++;
  }
  if (controls > 8 && controls > text.length / 100) {
    throw new AppError(
      'VALIDATION',
      `El archivo no parece un CSV de texto: tiene ${controls} caracteres de control al principio. Compruebe que eligió el archivo correcto.`,
    );
  }
}

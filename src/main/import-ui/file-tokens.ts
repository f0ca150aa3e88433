import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { AppError } from '../../shared/errors';
import { MAX_UPLOAD_BYTES, type ChosenFile } from '../../shared/imports';
import type { Clock } from '../clock';

// Files the UI hands to the core for an import, by token. The renderer never names a path: the
// desktop app's open dialog (main process) registers the file the user picked, and the browser
// UI uploads its file to the bridge, which stores it under the data directory. Either way the
// renderer gets an opaque token that `imports/preview` and `imports/start` resolve here.
//
// Tokens live in this process only: after a restart the UI asks for the file again. Uploaded
// copies are deleted with their token (a day after their last use) and all at start.

export const UPLOADS_DIR = join('imports', 'subidas');

/** A token unused for this long is forgotten, and its uploaded copy deleted. */
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_NAME_LENGTH = 120;

interface Entry {
  path: string;
  nombre: string;
  bytes: number;
  /** The upload's own folder, deleted with the token; null for a file picked in place. */
  uploadDir: string | null;
  usedAt: number;
}

export type FileTokens = ReturnType<typeof createFileTokens>;

export function createFileTokens(deps: { dataDir: string; clock: Clock; maxBytes?: number }) {
  const { dataDir, clock } = deps;
  const maxBytes = deps.maxBytes ?? MAX_UPLOAD_BYTES;
  const uploadsRoot = join(dataDir, UPLOADS_DIR);
  const entries = new Map<string, Entry>();

  const forget = (token: string) => {
    const entry = entries.get(token);
    entries.delete(token);
    if (entry?.uploadDir) rmSync(entry.uploadDir, { recursive: true, force: true });
  };

  const expire = () => {
    const now = clock.now().getTime();
    for (const [token, entry] of entries) {
      if (now - entry.usedAt > TOKEN_TTL_MS) forget(token);
    }
  };

  const issue = (entry: Omit<Entry, 'usedAt'>): ChosenFile => {
    expire();
    const token = randomBytes(18).toString('base64url');
    entries.set(token, { ...entry, usedAt: clock.now().getTime() });
    return { archivo: token, nombre: entry.nombre, bytes: entry.bytes };
  };

  return {
    /** Uploads of a previous run can no longer be named by anyone: they go. */
    sweep(): void {
      rmSync(uploadsRoot, { recursive: true, force: true });
    },

    /** A file on this machine that the user picked (the desktop app's dialog). */
    register(path: string): ChosenFile {
      let bytes: number;
      try {
        const stat = statSync(path);
        if (!stat.isFile()) throw new AppError('VALIDATION', `«${path}» no es un archivo.`);
        bytes = stat.size;
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('NOT_FOUND', `No se puede abrir el archivo «${path}».`);
      }
      return issue({ path, nombre: basename(path), bytes, uploadDir: null });
    },

    /**
     * Stores an upload's body under the data directory, refusing it past the size limit.
     * `declaredBytes` (Content-Length) lets a file that is too big be refused before reading it.
     */
    async receive(body: Readable, name: string, declaredBytes: number | null): Promise<ChosenFile> {
      const nombre = safeFileName(name);
      const uploadDir = join(uploadsRoot, randomBytes(12).toString('base64url'));
      mkdirSync(uploadDir, { recursive: true });
      const path = join(uploadDir, nombre);
      const out = createWriteStream(path);
      let bytes = 0;
      let tooBig = declaredBytes !== null && declaredBytes > maxBytes;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > maxBytes) tooBig = true;
          // Past the limit the rest is read and dropped, so the browser gets the answer (it
          // reads none until it has sent everything); past a sane amount the upload is cut.
          if (tooBig) {
            if (bytes > maxBytes * 2) break;
            continue;
          }
          if (!out.write(chunk)) await once(out, 'drain');
        }
        out.end();
        await finished(out);
      } catch (error) {
        out.destroy();
        rmSync(uploadDir, { recursive: true, force: true });
        throw new AppError(
          'VALIDATION',
          'El archivo no llegó completo al servicio (se interrumpió el envío). Vuelva a elegirlo.',
          undefined,
          error,
        );
      }
      if (tooBig) {
        rmSync(uploadDir, { recursive: true, force: true });
        throw new UploadTooLarge(maxBytes);
      }
      return issue({ path, nombre, bytes, uploadDir });
    },

    /** The file behind a token; refuses a token this process did not issue (or forgot). */
    resolve(token: string): { path: string; nombre: string; bytes: number } {
      const entry = entries.get(token);
      if (!entry) {
        throw new AppError(
          'NOT_FOUND',
          'El archivo elegido ya no está disponible (el servicio se reinició o pasó más de un día). Vuelva a elegirlo.',
          { archivo: 'Vuelva a elegir el archivo' },
        );
      }
      entry.usedAt = clock.now().getTime();
      return { path: entry.path, nombre: entry.nombre, bytes: entry.bytes };
    },

    /** Deletes every uploaded copy (the core is stopping). */
    close(): void {
      for (const token of [...entries.keys()]) forget(token);
    },
  };
}

/** An upload over the size limit (the bridge answers 413). */
export class UploadTooLarge extends AppError {
  constructor(maxBytes: number) {
    const mb = Math.round(maxBytes / (1024 * 1024));
    super(
      'VALIDATION',
      `El archivo supera ${mb} MB, el máximo que admite la interfaz del navegador. ` +
        'Divídalo en varios archivos, o impórtelo con «gsih import ARCHIVO» en el equipo del servicio, que no tiene ese límite.',
      { archivo: `Más de ${mb} MB` },
    );
  }
}

/**
 * The user's file name, kept because the history shows it, made safe to use as a name in a
 * folder of ours: no folders, no control or reserved characters, not too long.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .trim()
    .replace(/^\.+/, '');
  if (cleaned === '') return 'archivo.csv';
  if (cleaned.length <= MAX_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
}

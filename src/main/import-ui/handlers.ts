import { copyFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { HandlerParsedInput } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import {
  IMPORT_FIELDS,
  rejectedReportName,
  type ChosenFile,
  type ColumnChoice,
  type ImportKind,
  type ImportPreview,
} from '../../shared/imports';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { Handlers } from '../dispatch';
import type { EventBus } from '../events/bus';
import type { Logger } from '../logger';
import { detectionRecord } from '../imports/history';
import { requiredFields } from '../imports/read/headers';
import type { ImportService } from '../imports/service';
import type { CsvPreview, ReadOptions } from '../imports/types';
import { createFileTokens } from './file-tokens';
import { createRememberedColumns } from './remembered-columns';

// What the UI needs around the import service (imports/service.ts): the `imports/*` handlers,
// files by token instead of paths (file-tokens.ts), the columns remembered per set of headers
// (remembered-columns.ts), the push events, and the bridge's upload and download.

/** The desktop app's native dialogs (src/main/electron/file-dialogs.ts); absent headless. */
export interface FileDialogs {
  /** The CSV file the user picked, or null when they closed the dialog. */
  chooseCsv(): Promise<string | null>;
  /** Where to save a file offered as `defaultName`, or null when they closed the dialog. */
  chooseSaveLocation(defaultName: string): Promise<string | null>;
}

/** The bridge's file routes (`gsih serve`): the browser's upload and the report's download. */
export interface BridgeFiles {
  receiveUpload(body: Readable, name: string, declaredBytes: number | null): Promise<ChosenFile>;
  /** The rejected-rows report of an import: where it is and the name to offer it under. */
  rejectedReport(id: number): { path: string; nombre: string };
}

type ImportHandlerName = Extract<keyof Handlers, `imports/${string}`>;

/** Rows the preview shows; each field is cut to this length there (a 1 MB cell stays home). */
const PREVIEW_ROWS = 20;
const PREVIEW_FIELD_CHARS = 300;

export function createImportUi(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  imports: ImportService;
  dialogs?: FileDialogs | undefined;
}) {
  const { imports, logger } = deps;
  const files = createFileTokens({ dataDir: deps.dataDir, clock: deps.clock });
  const remembered = createRememberedColumns(deps.db, deps.clock);

  const reading = (input: HandlerParsedInput<'imports/preview'>): Omit<ReadOptions, 'kind'> => ({
    ...(input.codificacion ? { encoding: input.codificacion } : {}),
    ...(input.delimitador ? { delimiter: input.delimitador } : {}),
    ...(input.formato_numeros ? { numberFormat: input.formato_numeros } : {}),
  });

  /** Only the type's own fields: a choice for another type's field means nothing here. */
  const ownColumns = (tipo: ImportKind, columnas: ColumnChoice): ColumnChoice =>
    Object.fromEntries(
      IMPORT_FIELDS[tipo].flatMap((field) =>
        columnas[field] === undefined ? [] : [[field, columnas[field]]],
      ),
    );

  function rejectedReport(id: number): { path: string; nombre: string } {
    const summary = imports.get(id);
    const path = imports.rejectedCsv(id);
    if (!path) {
      throw new AppError(
        'NOT_FOUND',
        summary.rechazados === 0
          ? `La importación n.º ${id} no rechazó ninguna fila: no hay informe que descargar.`
          : `El informe de filas rechazadas de la importación n.º ${id} ya no existe en el directorio de datos.`,
      );
    }
    return { path, nombre: rejectedReportName(summary.archivo) };
  }

  const handlers: Pick<Handlers, ImportHandlerName> = {
    'imports/pickFile': async () => {
      if (!deps.dialogs) {
        throw new AppError(
          'UNAVAILABLE',
          'El diálogo para elegir archivos solo existe en la aplicación de escritorio. En el navegador, use «Elegir archivo» para enviarlo.',
        );
      }
      const path = await deps.dialogs.chooseCsv();
      return path === null ? null : files.register(path);
    },

    'imports/preview': async (input, ctx) => {
      const file = files.resolve(input.archivo);
      const options: ReadOptions = { kind: input.tipo, ...reading(input) };
      const read = (mapping?: ColumnChoice) =>
        imports.preview(file.path, mapping ? { ...options, mapping } : options, PREVIEW_ROWS);

      if (input.columnas) {
        return toWire(await read(ownColumns(input.tipo, input.columnas)), input.tipo, file, false);
      }
      const matched = await read();
      if (!input.usar_recordadas) {
        remembered.forget(input.tipo, matched.headers);
        return toWire(matched, input.tipo, file, false);
      }
      const recalled = remembered.recall(input.tipo, matched.headers);
      if (!recalled) return toWire(matched, input.tipo, file, false);
      try {
        return toWire(await read(recalled), input.tipo, file, true);
      } catch (error) {
        logger.warn(`import columns remembered by ${ctx.actor} no longer apply`, error);
        return toWire(matched, input.tipo, file, false);
      }
    },

    'imports/start': async (input, ctx) => {
      const file = files.resolve(input.archivo);
      const lectura = reading(input);
      let mapping: ColumnChoice | undefined = input.columnas
        ? ownColumns(input.tipo, input.columnas)
        : undefined;
      // The headers, to remember (or recall) the columns chosen for them. A file that cannot be
      // read is left to the import itself, which records why in the history.
      const headers = await imports
        .preview(file.path, { kind: input.tipo, ...lectura }, 0)
        .then((preview) => preview.headers)
        .catch(() => null);
      if (headers) {
        if (mapping) remembered.remember(input.tipo, headers, mapping, ctx.actor);
        else if (input.usar_recordadas)
          mapping = remembered.recall(input.tipo, headers) ?? undefined;
        else remembered.forget(input.tipo, headers);
      }
      const handle = imports.start({
        path: file.path,
        tipo: input.tipo,
        lectura: mapping ? { ...lectura, mapping } : lectura,
        simulacion: input.simulacion,
        omitir_errores: input.omitir_errores,
        sumar: input.sumar,
        origen: 'ui',
        usuario: ctx.actor,
      });
      // The end reaches the UI as a push event and in the history; nobody awaits this here.
      handle.done.catch((error: unknown) => logger.error(`import ${handle.id} failed`, error));
      return { id: handle.id };
    },

    'imports/cancel': ({ id }) => {
      if (imports.cancel(id)) return { id };
      const running = imports.running();
      if (running && running.id === id) {
        throw new AppError(
          'CONFLICT',
          `La importación n.º ${id} la ejecuta otro proceso (${running.origen === 'cli' ? '«gsih import»' : 'otra aplicación'}, PID ${running.pid}): deténgala allí, por ejemplo con Ctrl+C.`,
        );
      }
      throw new AppError('NOT_FOUND', `La importación n.º ${id} ya no está en curso.`);
    },

    'imports/current': () => imports.running(),
    'imports/list': (input) => imports.list(input),
    'imports/get': ({ id }) => imports.get(id),
    'imports/issues': ({ id, ...filter }) => imports.issues(id, filter),

    'imports/saveRejected': async ({ id }) => {
      if (!deps.dialogs) {
        throw new AppError(
          'UNAVAILABLE',
          'Guardar con el diálogo solo existe en la aplicación de escritorio; en el navegador, el informe se descarga.',
        );
      }
      const report = rejectedReport(id);
      const target = await deps.dialogs.chooseSaveLocation(report.nombre);
      if (target === null) return { guardado: null };
      try {
        await copyFile(report.path, target);
      } catch (error) {
        throw new AppError(
          'VALIDATION',
          `No se pudo guardar el informe en «${target}»: ${(error as Error).message}`,
          undefined,
          error,
        );
      }
      return { guardado: target };
    },
  };

  const bridgeFiles: BridgeFiles = {
    receiveUpload: (body, name, declaredBytes) => files.receive(body, name, declaredBytes),
    rejectedReport,
  };

  return {
    handlers,
    bridgeFiles,

    /** Forwards the service's progress and ends as push events. */
    forwardEvents(emit: EventBus['emit']): () => void {
      return imports.subscribe((event) => {
        if (event.tipo === 'progreso') {
          if (event.progreso.fase === 'inicio') {
            emit('imports/changed', { id: event.progreso.id, estado: 'EN_CURSO' });
          }
          emit('imports/progress', event.progreso);
        } else {
          emit('imports/changed', { id: event.importacion.id, estado: event.importacion.estado });
        }
      });
    },

    /** Called when this process starts serving: uploads of a previous run go. */
    start(): void {
      files.sweep();
    },

    close(): void {
      files.close();
    },
  };
}

export type ImportUi = ReturnType<typeof createImportUi>;

function toWire(
  preview: CsvPreview,
  tipo: ImportKind,
  file: { nombre: string; bytes: number },
  recalled: boolean,
): ImportPreview {
  const required = requiredFields(tipo);
  // A required field with no column is reported once, in `faltan`; the reader also says it on
  // every row, which the preview would show as the same line under each one.
  const repeatsMissing = (issue: { column: string | null; message: string }) =>
    preview.missingRequired.length > 0 &&
    issue.column === null &&
    issue.message.startsWith('No hay columna para ');
  const clip = (text: string) =>
    text.length > PREVIEW_FIELD_CHARS ? `${text.slice(0, PREVIEW_FIELD_CHARS)}…` : text;
  return {
    nombre: file.nombre,
    bytes: file.bytes,
    tipo,
    deteccion: detectionRecord(preview.detection),
    cabeceras: preview.headers,
    campos: IMPORT_FIELDS[tipo].map((campo) => ({
      campo,
      obligatorio: required.includes(campo),
      columna: preview.mapping[campo] ?? null,
    })),
    faltan: preview.missingRequired,
    sin_asignar: preview.unmappedHeaders,
    columnas_recordadas: recalled,
    filas: preview.records.map((record) => ({
      linea: record.line,
      campos: record.fields.map(clip),
      valores: record.row
        ? Object.fromEntries(
            Object.entries(record.row).map(([k, v]) => [k, typeof v === 'string' ? clip(v) : v]),
          )
        : null,
      problemas: record.issues
        .filter((issue) => !repeatsMissing(issue))
        .map((issue) => ({
          linea: issue.line,
          columna: issue.column,
          mensaje: issue.message,
          severidad: issue.severity === 'warning' ? 'advertencia' : 'error',
        })),
    })),
  };
}

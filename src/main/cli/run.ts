import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MOVEMENT_STATES, type Movement } from '../../shared/domain';
import { AppError, serializeError } from '../../shared/errors';
import type { HandlerName, HandlerResult } from '../../shared/contract';
import { createCore, type Core } from '../core';
import { localActor } from '../actor';
import { createConsoleLogger, type Logger } from '../logger';
import { readServeLock } from '../serve-lock';
import { resolveDataDir } from '../settings/paths';
import { startServer, type RunningServer } from './serve';
import { USAGE } from './usage';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `serve`. */
  waitForShutdown?: () => Promise<string>;
  /** Where the built renderer is, for `serve`. */
  staticDir?: string;
  /** Lets tests reach the running server. */
  onServing?: (server: RunningServer) => void;
  logger?: Logger;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const COMMON = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInt(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,15}$/.test(value) || Number(value) < 1) {
    throw new UsageError(
      `${what} debe ser un entero positivo${value === undefined ? '' : `: ${value}`}`,
    );
  }
  return Number(value);
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`Puerto no válido: ${value}`);
  return Number(value);
}

/** Runs one `gsih` command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const fail = (message: string) => io.stderr.write(`gsih: ${message}\n`);
  const [command, ...rest] = argv;

  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      out(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    switch (command) {
      case 'serve':
        return await serve(rest, io, out);
      case 'status':
        return await status(rest, io, out);
      case 'movimientos':
        return await movements(rest, io, out);
      default:
        throw new UsageError(`Orden desconocida: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      io.stderr.write(`${USAGE}\n`);
      return EXIT_USAGE;
    }
    const serialized = serializeError(error);
    if (!(error instanceof AppError))
      (io.logger ?? createConsoleLogger(io.stderr)).error('command failed', error);
    fail(serialized.message);
    return EXIT_FAILED;
  }
}

function helpRequested(values: { help?: boolean | undefined }, out: (l: string) => void): boolean {
  if (values.help) out(USAGE);
  return Boolean(values.help);
}

async function withCore<T>(dataDir: string, io: CliIo, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await createCore({
    dataDir,
    headless: true,
    logger: io.logger ?? createConsoleLogger(io.stderr),
  });
  try {
    return await fn(core);
  } finally {
    await core.stop();
  }
}

async function call<K extends HandlerName>(
  core: Core,
  name: K,
  input: unknown,
): Promise<HandlerResult<K>> {
  const envelope = await core.dispatch(name, input, { actor: localActor('cli') });
  if (!envelope.ok)
    throw new AppError(envelope.error.code, envelope.error.message, envelope.error.details);
  return envelope.result as HandlerResult<K>;
}

async function serve(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    'ui-port': { type: 'string' },
    'no-ui': { type: 'boolean' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  const logger = io.logger ?? createConsoleLogger(io.stderr);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const server = await startServer({
    dataDir,
    ui: !values['no-ui'],
    uiPort: port(values['ui-port']),
    staticDir: io.staticDir,
    logger,
  });
  io.stderr.write(`GSIH Integraciones sin ventana; datos en ${dataDir}. Ctrl+C para parar.\n`);
  if (server.uiUrl) out(`UI: ${server.uiUrl}`);
  io.onServing?.(server);
  const signal = await (io.waitForShutdown?.() ?? new Promise<string>(() => {}));
  io.stderr.write(`Parando (${signal})…\n`);
  await server.stop();
  return EXIT_OK;
}

async function status(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const info = await withCore(dataDir, io, (core) => call(core, 'app/info', {}));
  const serving = readServeLock(dataDir);
  const report = {
    ...info,
    headless: undefined,
    servicio: serving
      ? {
          pid: serving.pid,
          modo: serving.mode,
          desde: serving.started,
          interfaz: serving.ui ?? null,
        }
      : null,
  };
  if (values.json) {
    out(JSON.stringify(report, null, 2));
    return EXIT_OK;
  }
  out(`GSIH Integraciones ${info.version}`);
  out(`Datos:              ${info.data_dir}`);
  out(`Base de datos:      ${info.database_file} (esquema ${info.schema_version})`);
  out(
    `Servicio:           ${serving ? `en marcha (PID ${serving.pid}${serving.ui ? `, interfaz ${serving.ui}` : ''})` : 'parado'}`,
  );
  out(`Artículos:          ${info.counts.articulos}`);
  out(`Mov. pendientes:    ${info.counts.movimientos_pendientes}`);
  out(`Alertas abiertas:   ${info.counts.alertas_abiertas}`);
  out(`Eventos:            ${info.counts.eventos}`);
  return EXIT_OK;
}

function movementLine(m: Movement): string {
  return [
    String(m.id).padStart(6),
    m.tipo.padEnd(7),
    m.codigo.padEnd(16),
    String(m.cantidad).padStart(10),
    m.almacen.padEnd(12),
    m.estado.padEnd(9),
    m.fecha,
  ].join('  ');
}

async function movements(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parse(rest, {
    estado: { type: 'string' },
    pagina: { type: 'string' },
    motivo: { type: 'string' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  const dataDir = resolveDataDir(values['data-dir'], io.env);

  switch (verb) {
    case 'list': {
      if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
      const estado = values.estado?.toUpperCase();
      if (estado !== undefined && !(MOVEMENT_STATES as readonly string[]).includes(estado)) {
        throw new UsageError(`--estado debe ser uno de ${MOVEMENT_STATES.join(', ')}`);
      }
      const page = values.pagina === undefined ? 1 : positiveInt(values.pagina, '--pagina');
      const result = await withCore(dataDir, io, (core) =>
        call(core, 'inventory/listMovements', { estado, page, page_size: 100 }),
      );
      if (values.json) {
        out(JSON.stringify(result, null, 2));
        return EXIT_OK;
      }
      if (result.items.length === 0) {
        out(estado ? `No hay movimientos en estado ${estado}.` : 'No hay movimientos.');
        return EXIT_OK;
      }
      out(
        [
          '    ID',
          'TIPO   ',
          'CÓDIGO          ',
          '  CANTIDAD',
          'ALMACÉN     ',
          'ESTADO   ',
          'FECHA',
        ].join('  '),
      );
      result.items.forEach((m) => out(movementLine(m)));
      const pages = Math.ceil(result.total / result.page_size);
      if (pages > 1)
        out(`Página ${result.page} de ${pages} (${result.total} movimientos); use --pagina N.`);
      return EXIT_OK;
    }
    case 'aprobar':
    case 'rechazar': {
      if (positionals.length !== 1) throw new UsageError(`movimientos ${verb} necesita un ID`);
      const id = positiveInt(positionals[0], 'ID');
      const movement = await withCore(dataDir, io, (core) =>
        verb === 'aprobar'
          ? call(core, 'inventory/approveMovement', { id })
          : call(core, 'inventory/rejectMovement', { id, motivo: values.motivo ?? null }),
      );
      if (values.json) out(JSON.stringify(movement, null, 2));
      else if (movement.estado === 'APROBADO') {
        out(
          `Movimiento ${id} aprobado: stock de ${movement.codigo} en ${movement.almacen} ${movement.stock_anterior} → ${movement.stock_resultante}.`,
        );
      } else out(`Movimiento ${id} rechazado.`);
      return EXIT_OK;
    }
    default:
      throw new UsageError(
        verb
          ? `Acción desconocida: movimientos ${verb}`
          : 'Falta la acción: list, aprobar o rechazar',
      );
  }
}

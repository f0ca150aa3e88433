import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  API_SCOPES,
  EVENT_TYPES,
  MOVEMENT_STATES,
  type ApiKey,
  type Movement,
  type Webhook,
  type WebhookDelivery,
} from '../../shared/domain';
import { AppError, serializeError } from '../../shared/errors';
import type { HandlerName, HandlerResult } from '../../shared/contract';
import { createCore, type Core } from '../core';
import { localActor } from '../actor';
import { createConsoleLogger, type Logger } from '../logger';
import { readServeLock } from '../serve-lock';
import { resolveDataDir } from '../settings/paths';
import type { RunningServer } from './serve';
import {
  delimiterNamed,
  DELIMITER_NAMES,
  encodingNamed,
  ENCODING_NAMES,
  importReport,
  numberFormatNamed,
  progressLine,
} from './import-report';
import { MAX_STORED_ISSUES } from '../imports/history';
import type { ImportRequest } from '../imports/service';
import { USAGE } from './usage';
import { erpCommands } from './erp';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `serve`. */
  waitForShutdown?: () => Promise<string>;
  /** Where the built renderer is, for `serve`. */
  staticDir?: string;
  /** The built CSV import worker, for `import` (and for imports started from `serve`'s UI). */
  importWorkerFile?: string;
  /** Lets tests reach the running server. */
  onServing?: (server: RunningServer) => void;
  logger?: Logger;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

const COMMON = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
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

export function positiveInt(value: string | undefined, what: string): number {
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

function host(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-zA-Z.:_-]{1,255}$/.test(value))
    throw new UsageError(`Dirección no válida: ${value}`);
  return value;
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
      case 'keys':
        return await apiKeys(rest, io, out);
      case 'webhooks':
        return await webhookCommands(rest, io, out);
      case 'import':
        return await importFile(rest, io, out);
      case 'erp':
        return await erpCommands(rest, io, out);
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

export function helpRequested(
  values: { help?: boolean | undefined },
  out: (l: string) => void,
): boolean {
  if (values.help) out(USAGE);
  return Boolean(values.help);
}

export async function withCore<T>(
  dataDir: string,
  io: CliIo,
  fn: (core: Core) => Promise<T>,
): Promise<T> {
  const core = await createCore({
    dataDir,
    headless: true,
    logger: io.logger ?? createConsoleLogger(io.stderr),
    importWorkerFile: io.importWorkerFile,
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
    'api-host': { type: 'string' },
    'api-port': { type: 'string' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  const logger = io.logger ?? createConsoleLogger(io.stderr);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  // Loaded here, not at the top: the UI bridge and the API bring Fastify, which the one-shot
  // commands (import, status, keys…) do not need at start-up.
  const { startServer } = await import('./serve');
  const server = await startServer({
    dataDir,
    ui: !values['no-ui'],
    uiPort: port(values['ui-port']),
    apiHost: host(values['api-host']),
    apiPort: port(values['api-port']),
    staticDir: io.staticDir,
    importWorkerFile: io.importWorkerFile,
    logger,
  });
  io.stderr.write(`GSIH Integraciones sin ventana; datos en ${dataDir}. Ctrl+C para parar.\n`);
  out(`API: ${server.apiUrl}`);
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
          api: serving.api ?? null,
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
    `Servicio:           ${serving ? `en marcha (PID ${serving.pid}${serving.api ? `, API ${serving.api}` : ''}${serving.ui ? `, interfaz ${serving.ui}` : ''})` : 'parado'}`,
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

function keyLine(k: ApiKey): string {
  return [
    String(k.id).padStart(4),
    `${k.prefijo}…`.padEnd(16),
    k.estado.padEnd(9),
    k.sistema.padEnd(12),
    k.nombre.padEnd(20),
    String(k.limite_hora).padStart(7),
    k.fecha_expiracion ?? 'nunca',
    k.ultimo_uso ?? 'nunca usada',
  ].join('  ');
}

async function apiKeys(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parse(rest, {
    nombre: { type: 'string' },
    sistema: { type: 'string' },
    scopes: { type: 'string' },
    dias: { type: 'string' },
    'limite-hora': { type: 'string' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  const dataDir = resolveDataDir(values['data-dir'], io.env);

  switch (verb) {
    case 'create': {
      if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
      if (!values.nombre || !values.sistema)
        throw new UsageError('keys create necesita --nombre y --sistema');
      const scopes = values.scopes
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = scopes?.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
      if (unknown?.length)
        throw new UsageError(
          `Permisos desconocidos: ${unknown.join(', ')} (válidos: ${API_SCOPES.join(', ')})`,
        );
      const created = await withCore(dataDir, io, (core) =>
        call(core, 'keys/create', {
          nombre: values.nombre,
          sistema: values.sistema,
          ...(scopes ? { scopes } : {}),
          dias: values.dias === undefined ? null : positiveInt(values.dias, '--dias'),
          ...(values['limite-hora'] === undefined
            ? {}
            : { limite_hora: positiveInt(values['limite-hora'], '--limite-hora') }),
        }),
      );
      if (values.json) {
        out(JSON.stringify({ ...created.key, clave: created.clave }, null, 2));
        return EXIT_OK;
      }
      out(`Clave ${created.key.id} creada para ${created.key.sistema} (${created.key.nombre}).`);
      out(
        `Permisos: ${created.key.scopes.join(', ')}; límite ${created.key.limite_hora} peticiones/hora; caduca: ${created.key.fecha_expiracion ?? 'nunca'}.`,
      );
      out('');
      out(`  ${created.clave}`);
      out('');
      out('Guárdela ahora: no se volverá a mostrar. Se usa como «Authorization: ApiKey <clave>».');
      return EXIT_OK;
    }
    case 'list': {
      if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
      const page = await withCore(dataDir, io, (core) =>
        call(core, 'keys/list', { page_size: 500 }),
      );
      if (values.json) {
        out(JSON.stringify(page.items, null, 2));
        return EXIT_OK;
      }
      if (page.items.length === 0) {
        out('No hay claves. Cree una con: gsih keys create --nombre N --sistema S');
        return EXIT_OK;
      }
      out(
        [
          '  ID',
          'PREFIJO         ',
          'ESTADO   ',
          'SISTEMA     ',
          'NOMBRE              ',
          'LÍM./H',
          'CADUCA',
          'ÚLTIMO USO',
        ].join('  '),
      );
      page.items.forEach((k) => out(keyLine(k)));
      return EXIT_OK;
    }
    case 'revoke': {
      if (positionals.length !== 1) throw new UsageError('keys revoke necesita un ID');
      const id = positiveInt(positionals[0], 'ID');
      const key = await withCore(dataDir, io, (core) => call(core, 'keys/revoke', { id }));
      if (values.json) out(JSON.stringify(key, null, 2));
      else
        out(
          `Clave ${id} (${key.prefijo}…, ${key.sistema}) revocada: desde la próxima petición recibe 401.`,
        );
      return EXIT_OK;
    }
    default:
      throw new UsageError(
        verb ? `Acción desconocida: keys ${verb}` : 'Falta la acción: create, list o revoke',
      );
  }
}

function webhookLine(w: Webhook): string {
  return [
    String(w.id).padStart(4),
    (w.activo ? 'activo' : 'desactivado').padEnd(11),
    w.nombre.padEnd(20),
    w.url.padEnd(40),
    w.eventos.join(','),
    `entregadas ${w.entregas.ENTREGADO}, pendientes ${w.entregas.PENDIENTE + w.entregas.EN_CURSO}, fallidas ${w.entregas.FALLIDO}`,
  ].join('  ');
}

function deliveryOutcome(d: WebhookDelivery): string {
  if (d.estado === 'ENTREGADO')
    return `Entrega ${d.id} (${d.evento}) entregada: el receptor respondió ${d.ultimo_status}.`;
  if (d.estado === 'FALLIDO')
    return `Entrega ${d.id} (${d.evento}) fallida: ${d.ultimo_error ?? 'sin respuesta'}.`;
  if (d.intentos > 0) {
    return `Entrega ${d.id} (${d.evento}) no entregada: ${d.ultimo_error ?? `status ${d.ultimo_status}`}. Se reintentará el ${d.proximo_intento}.`;
  }
  return `Entrega ${d.id} (${d.evento}) en cola.`;
}

/**
 * Queues a delivery; when no process serves this data directory, this command delivers what is
 * due itself (leases make that safe) so the answer is the receiver's.
 */
async function deliverIfNotServed(
  core: Core,
  dataDir: string,
  delivery: WebhookDelivery,
): Promise<{ delivery: WebhookDelivery; served: boolean }> {
  if (readServeLock(dataDir)) return { delivery, served: true };
  await core.dispatcher.runOnce();
  const [current] = core.services.webhooks
    .deliveries({ webhook: delivery.webhook, page: 1, page_size: 500 })
    .items.filter((d) => d.id === delivery.id);
  return { delivery: current ?? delivery, served: false };
}

async function webhookCommands(
  args: string[],
  io: CliIo,
  out: (l: string) => void,
): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parse(rest, {
    nombre: { type: 'string' },
    url: { type: 'string' },
    eventos: { type: 'string' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const oneId = (what: string) => {
    if (positionals.length !== 1) throw new UsageError(`webhooks ${verb} necesita ${what}`);
    return positiveInt(positionals[0], what);
  };

  switch (verb) {
    case 'add': {
      if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
      if (!values.nombre || !values.url || !values.eventos) {
        throw new UsageError('webhooks add necesita --nombre, --url y --eventos');
      }
      const eventos = values.eventos
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      const unknown = eventos.filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
      if (unknown.length)
        throw new UsageError(
          `Eventos desconocidos: ${unknown.join(', ')} (válidos: ${EVENT_TYPES.join(', ')})`,
        );
      const created = await withCore(dataDir, io, (core) =>
        call(core, 'webhooks/create', { nombre: values.nombre, url: values.url, eventos }),
      );
      if (values.json) {
        out(JSON.stringify(created, null, 2));
        return EXIT_OK;
      }
      out(`Webhook ${created.id} creado: ${created.url} recibirá ${created.eventos.join(', ')}.`);
      out(`Secreto de firma: ${created.secreto}`);
      out(
        'Se puede volver a ver con la página Webhooks. Cómo verificar las firmas: docs/WEBHOOKS.md.',
      );
      return EXIT_OK;
    }
    case 'list': {
      if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
      const page = await withCore(dataDir, io, (core) =>
        call(core, 'webhooks/list', { page_size: 500 }),
      );
      if (values.json) {
        out(JSON.stringify(page.items, null, 2));
        return EXIT_OK;
      }
      if (page.items.length === 0) {
        out(
          'No hay webhooks. Añada uno con: gsih webhooks add --nombre N --url U --eventos stock_bajo',
        );
        return EXIT_OK;
      }
      page.items.forEach((w) => {
        out(webhookLine(w));
        if (!w.activo && w.motivo_desactivacion) out(`      motivo: ${w.motivo_desactivacion}`);
      });
      return EXIT_OK;
    }
    case 'test':
    case 'resend': {
      const id = oneId(verb === 'test' ? 'el ID del webhook' : 'el ID de la entrega');
      const result = await withCore(dataDir, io, async (core) => {
        const queued =
          verb === 'test'
            ? await call(core, 'webhooks/test', { id })
            : await call(core, 'webhooks/resend', { entrega: id });
        return deliverIfNotServed(core, dataDir, queued);
      });
      if (values.json) out(JSON.stringify(result.delivery, null, 2));
      else if (result.served)
        out(`Entrega ${result.delivery.id} en cola: el servicio en marcha la enviará ahora.`);
      else out(deliveryOutcome(result.delivery));
      return result.served || result.delivery.estado === 'ENTREGADO' ? EXIT_OK : EXIT_FAILED;
    }
    case 'rotate-secret': {
      const id = oneId('el ID del webhook');
      const rotated = await withCore(dataDir, io, (core) =>
        call(core, 'webhooks/rotateSecret', { id }),
      );
      if (values.json) out(JSON.stringify(rotated, null, 2));
      else {
        out(`Nuevo secreto: ${rotated.secreto}`);
        out(
          `Hasta ${rotated.rotacion_hasta} cada entrega va firmada con el secreto nuevo y con el anterior.`,
        );
      }
      return EXIT_OK;
    }
    default:
      throw new UsageError(
        verb
          ? `Acción desconocida: webhooks ${verb}`
          : 'Falta la acción: add, list, test, resend o rotate-secret',
      );
  }
}

async function importFile(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    tipo: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'omitir-errores': { type: 'boolean' },
    sumar: { type: 'boolean' },
    delimitador: { type: 'string' },
    codificacion: { type: 'string' },
    numeros: { type: 'string' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'import necesita el archivo CSV'
        : `Argumento inesperado: ${positionals[1]}`,
    );
  }
  const tipo = values.tipo;
  if (tipo !== 'articulos' && tipo !== 'stock') {
    throw new UsageError('--tipo debe ser articulos o stock');
  }
  if (values.sumar && tipo !== 'stock') throw new UsageError('--sumar solo vale con --tipo stock');
  const lectura: NonNullable<ImportRequest['lectura']> = {};
  if (values.codificacion !== undefined) {
    const encoding = encodingNamed(values.codificacion);
    if (!encoding) {
      throw new UsageError(
        `Codificación desconocida: ${values.codificacion} (válidas: ${ENCODING_NAMES})`,
      );
    }
    lectura.encoding = encoding;
  }
  if (values.delimitador !== undefined) {
    const delimiter = delimiterNamed(values.delimitador);
    if (!delimiter) {
      throw new UsageError(
        `Delimitador no válido: ${values.delimitador} (válidos: ${DELIMITER_NAMES})`,
      );
    }
    lectura.delimiter = delimiter;
  }
  if (values.numeros !== undefined) {
    const format = numberFormatNamed(values.numeros);
    if (!format) throw new UsageError('--numeros debe ser coma o punto');
    lectura.numberFormat = format;
  }
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const path = resolve(positionals[0]!);
  // Progress only where a person watches it; a script reading stderr gets the reason line only.
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;

  const { summary, issues, fases } = await withCore(dataDir, io, async (core) => {
    const imports = core.services.imports;
    // When each phase began (ms from the start), for the report: where the time went.
    const phases: Array<[string, number]> = [];
    const stopProgress = imports.subscribe((event) => {
      if (event.tipo !== 'progreso') return;
      const { fase, transcurrido_ms } = event.progreso;
      if (phases.at(-1)?.[0] !== fase) phases.push([fase, transcurrido_ms]);
      if (tty) io.stderr.write(`\r\x1b[K${progressLine(event.progreso)}`);
    });
    try {
      const handle = imports.start({
        path,
        tipo,
        lectura,
        simulacion: values['dry-run'] ?? false,
        omitir_errores: values['omitir-errores'] ?? false,
        sumar: values.sumar ?? false,
        origen: 'cli',
        usuario: localActor('cli'),
      });
      // Ctrl+C (or SIGTERM) cancels: the import rolls back and is recorded as CANCELADA.
      void io.waitForShutdown?.().then(() => imports.cancel(handle.id));
      const summary = await handle.done;
      const issues = imports.issues(summary.id, { page: 1, page_size: MAX_STORED_ISSUES }).items;
      const fases = Object.fromEntries(
        phases
          .filter(([fase]) => fase !== 'inicio')
          .map(([fase, at], i, all) => [fase, (all[i + 1]?.[1] ?? summary.duracion_ms ?? at) - at]),
      );
      return { summary, issues, fases };
    } finally {
      stopProgress();
      if (tty) io.stderr.write('\r\x1b[K');
    }
  });

  if (values.json) {
    out(
      JSON.stringify(
        {
          ...summary,
          problemas: issues,
          problemas_omitidos: summary.errores + summary.advertencias - issues.length,
          fases_ms: fases,
        },
        null,
        2,
      ),
    );
  } else importReport(summary, issues).forEach((line) => out(line));
  if (summary.estado === 'COMPLETADA') return EXIT_OK;
  io.stderr.write(`gsih: ${summary.error ?? `importación ${summary.estado.toLowerCase()}`}\n`);
  return EXIT_FAILED;
}

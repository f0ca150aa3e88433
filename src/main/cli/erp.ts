import {
  ERP_ARTICLE_FIELDS,
  ERP_PAGINATIONS,
  ERP_STOCK_FIELDS,
  ERP_SYNC_KINDS,
  type ErpAuthInput,
  type ErpConfigInput,
  type ErpConfigView,
  type ErpEntityResult,
  type ErpRun,
  type ErpStatus,
  type ErpSyncKind,
} from '../../shared/erp';
import { localActor } from '../actor';
import { resolveDataDir } from '../settings/paths';
import {
  EXIT_FAILED,
  EXIT_OK,
  helpRequested,
  parse,
  positiveInt,
  UsageError,
  withCore,
  type CliIo,
} from './run';

// `gsih erp configurar | sync | estado`: the ERP synchronizer from the command line, over the
// core's ERP service (the same one the UI's page uses). Credentials given here are stored as
// the data directory's secret box keeps them and never printed again.

const ENTITY_LABELS: Record<ErpSyncKind, string> = {
  articulos: 'artículos',
  stock: 'stock',
  movimientos: 'movimientos',
};

const number = (n: number) => n.toLocaleString('es-ES');
const seconds = (ms: number | null) =>
  ms === null ? '—' : `${(ms / 1000).toLocaleString('es-ES', { maximumFractionDigits: 1 })} s`;

export async function erpCommands(
  args: string[],
  io: CliIo,
  out: (line: string) => void,
): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'configurar':
      return configure(rest, io, out);
    case 'sync':
      return sync(rest, io, out);
    case 'estado':
      return status(rest, io, out);
    default:
      throw new UsageError(
        verb && !verb.startsWith('-')
          ? `Acción desconocida: erp ${verb}`
          : 'Falta la acción: configurar, sync o estado',
      );
  }
}

/** `articulos.codigo=ItemCode` (or `articulos.material=` to stop reading a field). */
function mappingFlag(value: string): {
  entity: 'articulos' | 'stock';
  field: string;
  name: string | null;
} {
  const match = /^(articulos|stock)\.([a-z_]+)=(.*)$/.exec(value);
  const fields: readonly string[] | undefined =
    match?.[1] === 'articulos'
      ? ERP_ARTICLE_FIELDS
      : match?.[1] === 'stock'
        ? ERP_STOCK_FIELDS
        : undefined;
  if (!match || !fields?.includes(match[2]!)) {
    throw new UsageError(
      `--mapeo no válido: ${value} (p. ej. articulos.codigo=ItemCode; campos de articulos: ${ERP_ARTICLE_FIELDS.join(', ')}; de stock: ${ERP_STOCK_FIELDS.join(', ')})`,
    );
  }
  return {
    entity: match[1] as 'articulos' | 'stock',
    field: match[2]!,
    name: match[3]!.trim() || null,
  };
}

function authFrom(
  values: {
    token?: string | undefined;
    usuario?: string | undefined;
    clave?: string | undefined;
    cabecera?: string | undefined;
    'sin-autenticacion'?: boolean | undefined;
  },
  saved: ErpConfigView | null,
): ErpAuthInput {
  const given = [
    values.token !== undefined,
    values.usuario !== undefined || values.clave !== undefined,
    values.cabecera !== undefined,
    values['sin-autenticacion'] === true,
  ].filter(Boolean).length;
  if (given > 1) {
    throw new UsageError(
      'Elija una sola autenticación: --token, --usuario y --clave, --cabecera o --sin-autenticacion',
    );
  }
  if (values.token !== undefined) return { tipo: 'bearer', token: values.token };
  if (values.usuario !== undefined || values.clave !== undefined) {
    const usuario =
      values.usuario ??
      (saved?.autenticacion.tipo === 'basic' ? saved.autenticacion.usuario : null);
    if (!usuario) throw new UsageError('La autenticación Basic necesita --usuario (y --clave)');
    return {
      tipo: 'basic',
      usuario,
      ...(values.clave === undefined ? {} : { clave: values.clave }),
    };
  }
  if (values.cabecera !== undefined) {
    const at = values.cabecera.indexOf('=');
    if (at <= 0) throw new UsageError('--cabecera debe ser NOMBRE=VALOR (p. ej. X-API-Key=abc123)');
    return {
      tipo: 'cabecera',
      nombre: values.cabecera.slice(0, at),
      valor: values.cabecera.slice(at + 1),
    };
  }
  if (values['sin-autenticacion']) return { tipo: 'ninguna' };
  // Nothing said: the saved authentication, its secret kept.
  if (!saved) return { tipo: 'ninguna' };
  const { tipo, usuario, nombre } = saved.autenticacion;
  if (tipo === 'basic') return { tipo, usuario: usuario ?? '' };
  if (tipo === 'cabecera') return { tipo, nombre: nombre ?? '' };
  return { tipo };
}

function configLines(view: ErpConfigView): string[] {
  const auth = view.autenticacion;
  const credential =
    auth.tipo === 'ninguna'
      ? 'sin autenticación'
      : `${auth.tipo === 'bearer' ? 'Bearer' : auth.tipo === 'basic' ? `Basic (usuario ${auth.usuario})` : `cabecera ${auth.nombre}`}; credencial ${
          auth.proteccion === 'cifrada'
            ? 'guardada cifrada con el almacén de claves del sistema'
            : 'guardada sin cifrar en el directorio de datos (modo sin ventana: proteja esa carpeta)'
        }`;
  return [
    `ERP ${view.perfil === 'odata' ? 'OData' : 'REST'} en ${view.url}`,
    `Autenticación: ${credential}.`,
    `Rutas: artículos ${view.rutas.articulos}, stock ${view.rutas.stock}, movimientos ${view.rutas.movimientos}.`,
    `Paginación: ${view.paginacion}, ${number(view.tamano_pagina)} registros por página.`,
    `Sincronización automática: ${view.activo ? `cada ${number(view.cada_segundos)} s` : 'desactivada'}.`,
  ];
}

async function configure(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    url: { type: 'string' },
    perfil: { type: 'string' },
    token: { type: 'string' },
    usuario: { type: 'string' },
    clave: { type: 'string' },
    cabecera: { type: 'string' },
    'sin-autenticacion': { type: 'boolean' },
    cada: { type: 'string' },
    'tamano-pagina': { type: 'string' },
    paginacion: { type: 'string' },
    'ruta-articulos': { type: 'string' },
    'ruta-stock': { type: 'string' },
    'ruta-movimientos': { type: 'string' },
    mapeo: { type: 'string', multiple: true },
    desactivar: { type: 'boolean' },
    activar: { type: 'boolean' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  if (values.perfil !== undefined && values.perfil !== 'rest' && values.perfil !== 'odata')
    throw new UsageError('--perfil debe ser rest u odata');
  if (
    values.paginacion !== undefined &&
    !(ERP_PAGINATIONS as readonly string[]).includes(values.paginacion)
  ) {
    throw new UsageError(`--paginacion debe ser una de: ${ERP_PAGINATIONS.join(', ')}`);
  }
  if (values.desactivar && values.activar)
    throw new UsageError('--activar y --desactivar no van juntas');
  const mappings = (values.mapeo ?? []).map(mappingFlag);
  const cada = values.cada === undefined ? undefined : positiveInt(values.cada, '--cada');
  const pageSize =
    values['tamano-pagina'] === undefined
      ? undefined
      : positiveInt(values['tamano-pagina'], '--tamano-pagina');
  const dataDir = resolveDataDir(values['data-dir'], io.env);

  const view = await withCore(dataDir, io, async (core) => {
    const erp = core.services.erp;
    const saved = erp.getConfig();
    if (!saved && (values.url === undefined || values.perfil === undefined)) {
      throw new UsageError('La primera vez, erp configurar necesita --url y --perfil');
    }
    const perfil = (values.perfil ?? saved!.perfil) as 'rest' | 'odata';
    // Another profile starts from its own defaults (paths, mapping, pagination).
    const base = saved && saved.perfil === perfil ? saved : null;
    const mapeo = {
      articulos: { ...base?.mapeo.articulos } as Record<string, string | null>,
      stock: { ...base?.mapeo.stock } as Record<string, string | null>,
    };
    for (const { entity, field, name } of mappings) mapeo[entity][field] = name;
    const input: ErpConfigInput = {
      url: values.url ?? saved!.url,
      perfil,
      autenticacion: authFrom(values, saved),
      rutas: {
        ...base?.rutas,
        ...(values['ruta-articulos'] === undefined ? {} : { articulos: values['ruta-articulos'] }),
        ...(values['ruta-stock'] === undefined ? {} : { stock: values['ruta-stock'] }),
        ...(values['ruta-movimientos'] === undefined
          ? {}
          : { movimientos: values['ruta-movimientos'] }),
      },
      ...(values.paginacion !== undefined
        ? { paginacion: values.paginacion as ErpConfigInput['paginacion'] }
        : base
          ? { paginacion: base.paginacion }
          : {}),
      tamano_pagina: pageSize ?? saved?.tamano_pagina,
      mapeo,
      ...(base ? { parametros: base.parametros } : {}),
      cada_segundos: cada ?? saved?.cada_segundos,
      activo: values.desactivar ? false : values.activar ? true : (saved?.activo ?? true),
      solapamiento_segundos: saved?.solapamiento_segundos,
      timeout_ms: saved?.timeout_ms,
    };
    return erp.configure(input);
  });
  if (values.json) out(JSON.stringify(view, null, 2));
  else {
    out('Configuración del ERP guardada.');
    configLines(view).forEach((line) => out(line));
  }
  return EXIT_OK;
}

function entityLine(kind: ErpSyncKind, r: ErpEntityResult): string {
  const label = ENTITY_LABELS[kind].padEnd(12);
  if (r.estado === 'OMITIDA') return `  ${label}omitido (la sincronización se detuvo antes)`;
  const counts =
    kind === 'movimientos'
      ? `enviados ${number(r.enviados)}, con error ${number(r.fallidos)}`
      : `leídos ${number(r.leidos)}, creados ${number(r.creados)}, actualizados ${number(r.actualizados)}, sin cambios ${number(r.sin_cambios)}, con error ${number(r.fallidos)}`;
  const pages = kind === 'movimientos' ? '' : `; ${number(r.paginas)} páginas`;
  const state = r.estado === 'COMPLETADA' ? '' : ` — ${r.estado.toLowerCase()}: ${r.error}`;
  return `  ${label}${counts} (${seconds(r.duracion_ms)}${pages})${state}`;
}

function runLines(run: ErpRun): string[] {
  const head = run.simulacion
    ? `Simulación (no se ha escrito ni enviado nada), ${seconds(run.duracion_ms)}:`
    : `Sincronización ${run.id} ${run.estado === 'COMPLETADA' ? 'completada' : run.estado.toLowerCase()} en ${seconds(run.duracion_ms)}:`;
  const lines = [head];
  for (const kind of ERP_SYNC_KINDS) {
    const result = run.detalle[kind];
    if (result) lines.push(entityLine(kind, result));
  }
  if (run.simulacion && run.detalle.movimientos)
    lines.push(`  (se enviarían ${number(run.detalle.movimientos.leidos)} movimientos)`);
  for (const change of run.cambios ?? []) {
    const what =
      change.accion === 'error'
        ? `error: ${change.error}`
        : Object.entries(change.cambios)
            .map(
              ([field, c]) => `${field} ${JSON.stringify(c.antes)} → ${JSON.stringify(c.despues)}`,
            )
            .join(', ');
    lines.push(
      `    ${change.accion.padEnd(10)} ${change.tipo} ${change.referencia_externa}: ${what}`,
    );
  }
  if (run.fallidos > 0 && !run.simulacion) {
    lines.push(
      `Hay registros con error: véalos en la página ERP (registro de sincronización, estado ERROR).`,
    );
  }
  return lines;
}

async function sync(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {
    tipo: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  const tipo = values.tipo;
  if (tipo !== undefined && !(ERP_SYNC_KINDS as readonly string[]).includes(tipo))
    throw new UsageError(`--tipo debe ser uno de: ${ERP_SYNC_KINDS.join(', ')}`);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;

  const run = await withCore(dataDir, io, async (core) => {
    const erp = core.services.erp;
    const handle = erp.startSync(
      { ...(tipo ? { tipo } : {}), simulacion: values['dry-run'] ?? false },
      { origen: 'cli', usuario: localActor('cli') },
    );
    // Ctrl+C (or SIGTERM) cancels: what was applied stays, the watermark does not move.
    void io.waitForShutdown?.().then(() => erp.cancel());
    const stopProgress = tty
      ? core.subscribe((message) => {
          if (message.event !== 'erp/changed') return;
          const progress = erp.status().en_curso?.progreso;
          if (progress)
            io.stderr.write(
              `\r\x1b[K${ENTITY_LABELS[progress.entidad]}: ${number(progress.registros)} registros, ${number(progress.paginas)} páginas`,
            );
        })
      : () => {};
    try {
      return await handle.done;
    } finally {
      stopProgress();
      if (tty) io.stderr.write('\r\x1b[K');
    }
  });

  if (values.json) out(JSON.stringify(run, null, 2));
  else runLines(run).forEach((line) => out(line));
  if (run.estado === 'COMPLETADA') return EXIT_OK;
  io.stderr.write(`gsih: ${run.error ?? `sincronización ${run.estado.toLowerCase()}`}\n`);
  return EXIT_FAILED;
}

function statusLines(s: ErpStatus, view: ErpConfigView | null): string[] {
  if (!s.configurado || !view)
    return [
      'El ERP no está configurado. Configúrelo con: gsih erp configurar --url U --perfil rest|odata …',
    ];
  const lines = configLines(view);
  if (s.en_curso) {
    lines.push(
      `En curso: sincronización ${s.en_curso.id ?? ''} (${s.en_curso.tipo}, ${s.en_curso.origen}) desde ${s.en_curso.desde}, PID ${s.en_curso.pid}.`,
    );
  }
  if (s.ultima) {
    lines.push(
      `Última: ${s.ultima.id} ${s.ultima.tipo} ${s.ultima.estado.toLowerCase()} el ${s.ultima.fecha_inicio} (${seconds(s.ultima.duracion_ms)}): creados ${number(s.ultima.creados)}, actualizados ${number(s.ultima.actualizados)}, sin cambios ${number(s.ultima.sin_cambios)}, con error ${number(s.ultima.fallidos)}, enviados ${number(s.ultima.enviados)}.`,
    );
    if (s.ultima.error) lines.push(`  Motivo: ${s.ultima.error}`);
  } else lines.push('Aún no se ha sincronizado.');
  lines.push(`Próxima: ${s.proxima ?? 'ninguna (la sincronización automática está desactivada)'}.`);
  lines.push(
    `Registro: ${number(s.registros.SINCRONIZADO)} sincronizados, ${number(s.registros.PENDIENTE)} pendientes, ${number(s.registros.ERROR)} con error.`,
  );
  lines.push(`Marcas: artículos ${s.marcas.articulos ?? '—'}, stock ${s.marcas.stock ?? '—'}.`);
  return lines;
}

async function status(args: string[], io: CliIo, out: (l: string) => void): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (helpRequested(values, out)) return EXIT_OK;
  if (positionals.length) throw new UsageError(`Argumento inesperado: ${positionals[0]}`);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const { state, view } = await withCore(dataDir, io, async (core) => ({
    state: core.services.erp.status(),
    view: core.services.erp.getConfig(),
  }));
  if (values.json) out(JSON.stringify({ ...state, configuracion: view }, null, 2));
  else statusLines(state, view).forEach((line) => out(line));
  return EXIT_OK;
}

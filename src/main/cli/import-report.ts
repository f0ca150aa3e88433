import type { ImportIssue, ImportProgress, ImportSummary } from '../../shared/imports';
import type { CsvDelimiter, CsvEncoding, NumberFormat } from '../imports/types';
import { describeDelimiter } from '../imports/read/delimiter';
import { describeFormat } from '../imports/read/numbers';

// What `gsih import` prints: its flags' values as the reader wants them, the progress line and
// the report. Spanish, as the staff read it.

const ENCODINGS: Record<string, CsvEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
  'utf-16be': 'utf-16be',
  utf16be: 'utf-16be',
  'windows-1252': 'windows-1252',
  windows1252: 'windows-1252',
  cp1252: 'windows-1252',
  // What most people mean by "latin1" in a Spanish Excel export.
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  ansi: 'windows-1252',
};

const DELIMITERS: Record<string, CsvDelimiter> = {
  ';': ';',
  ',': ',',
  '|': '|',
  '\t': '\t',
  tab: '\t',
  tabulador: '\t',
};

/** The encoding a `--codificacion` value names, or null. */
export function encodingNamed(name: string): CsvEncoding | null {
  return ENCODINGS[name.trim().toLowerCase()] ?? null;
}

/** The delimiter a `--delimitador` value names, or null. */
export function delimiterNamed(name: string): CsvDelimiter | null {
  return DELIMITERS[name === '\t' ? name : name.trim().toLowerCase()] ?? null;
}

export function numberFormatNamed(name: string): NumberFormat | null {
  const value = name.trim().toLowerCase();
  return value === 'coma' || value === 'punto' ? value : null;
}

export const ENCODING_NAMES = 'utf-8, utf-16le, utf-16be, windows-1252 (o latin1)';
export const DELIMITER_NAMES = '";", ",", "|" o tab';

const count = new Intl.NumberFormat('es-ES');
const seconds = (ms: number) =>
  ms < 1000
    ? `${ms} ms`
    : `${new Intl.NumberFormat('es-ES', { maximumFractionDigits: 1 }).format(ms / 1000)} s`;

const PHASES: Record<ImportProgress['fase'], string> = {
  inicio: 'Preparando',
  lectura: 'Leyendo y comprobando',
  comprobacion: 'Buscando duplicados',
  aplicacion: 'Guardando',
  finalizacion: 'Creando índices y confirmando',
  informe: 'Escribiendo el informe de rechazadas',
};

/** One line, rewritten in place on a terminal. */
export function progressLine(p: ImportProgress): string {
  const parts = [PHASES[p.fase]];
  if (p.fase === 'lectura' && p.bytes_totales > 0) {
    parts.push(`${Math.floor((p.bytes / p.bytes_totales) * 100)} %`);
  } else if (p.fase === 'aplicacion' && p.total_filas) {
    parts.push(`${Math.floor((p.filas / p.total_filas) * 100)} %`);
  }
  if (p.filas > 0) parts.push(`${count.format(p.filas)} filas`);
  if (p.filas_por_segundo > 0) parts.push(`${count.format(p.filas_por_segundo)} filas/s`);
  return parts.join(' · ');
}

const STATES: Record<ImportSummary['estado'], string> = {
  EN_CURSO: 'en curso',
  COMPLETADA: 'completada',
  RECHAZADA: 'rechazada',
  CANCELADA: 'cancelada',
  FALLIDA: 'fallida',
};

/** The report as text: what happened, the counts, how the file was read, the problems. */
export function importReport(
  summary: ImportSummary,
  issues: ImportIssue[],
  shownIssues = 50,
): string[] {
  const kind = summary.tipo === 'articulos' ? 'artículos' : 'stock';
  const lines: string[] = [];
  const title = summary.simulacion ? 'Simulación de la importación' : 'Importación';
  lines.push(
    `${title} ${summary.id} (${summary.archivo}, ${kind}): ${STATES[summary.estado]}` +
      `${summary.duracion_ms === null ? '' : ` en ${seconds(summary.duracion_ms)}`}.`,
  );
  const would = summary.simulacion;
  lines.push(
    `  Filas: ${count.format(summary.total)}; ` +
      `${would ? 'se crearían' : 'creados'} ${count.format(summary.creados)}, ` +
      `${would ? 'se actualizarían' : 'actualizados'} ${count.format(summary.actualizados)}, ` +
      `sin cambios ${count.format(summary.sin_cambios)}, ` +
      `rechazadas ${count.format(summary.rechazados)}.`,
  );
  if (summary.deteccion) {
    const d = summary.deteccion;
    const formats = Object.entries(d.formato_numeros);
    const numbers =
      formats.length === 0
        ? ''
        : `; números con ${[...new Set(formats.map(([, f]) => describeFormat(f)))].join(' y ')}`;
    lines.push(
      `  Leído como ${d.codificacion.toUpperCase()}${d.bom ? ' con BOM' : ''}, ` +
        `separador ${describeDelimiter(d.delimitador)}${numbers}.`,
    );
  }
  if (summary.error) lines.push(`  ${summary.error}`);
  const problems = summary.errores + summary.advertencias;
  if (issues.length > 0) {
    lines.push(
      `  Problemas (${count.format(problems)}${problems > shownIssues ? `; los ${shownIssues} primeros` : ''}):`,
    );
    for (const issue of issues.slice(0, shownIssues)) {
      const where = `línea ${issue.linea}${issue.columna ? `, «${issue.columna}»` : ''}`;
      const severity = issue.severidad === 'advertencia' ? ' (aviso)' : '';
      lines.push(`    ${where}${severity}: ${issue.mensaje}`);
    }
  }
  if (summary.rechazadas_csv)
    lines.push(`  Filas rechazadas, con su error: ${summary.rechazadas_csv}`);
  return lines;
}

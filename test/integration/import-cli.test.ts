import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDigest } from '../fixtures/digest';
import { makeTempDir } from '../fixtures/core';
import { articleCode, writeArticlesCsv } from '../fixtures/articles-csv.mjs';

// `gsih import` as a real process (the built bin/gsih.cjs, its worker thread included), on real
// data directories: exit codes, the report, what lands in the database, and working beside a
// running `gsih serve`.

const BIN = join(__dirname, '../../bin/gsih.cjs');

function gsih(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ARTICLES_1252 =
  'Código;Nombre;Material;Diámetro (mm);Unidad;Stock mínimo;Referencia externa\r\n' +
  '0042;Tubo presión PVC;PVC;20,5;m;1.250,5;ERP-42\r\n' +
  'V-1;Válvula de bola ½" €;Latón;12;ud;3;\r\n' +
  'C-9;"Codo 90º\r\nde dos líneas";Fundición dúctil;100;ud;;\r\n';

describe('gsih import', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  const file = (name: string, content: string | Buffer) => {
    const path = join(temp.dir, name);
    writeFileSync(path, content);
    return path;
  };
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(join(dataDir, 'gsih.db'), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    temp = makeTempDir();
    dataDir = join(temp.dir, 'datos');
  });
  afterEach(() => temp.cleanup());

  it('imports a Windows-1252 file with `;`, decimal commas and a quoted multi-line name: exit 0', () => {
    const csv = file('articulos.csv', iconv.encode(ARTICLES_1252, 'win1252'));
    const result = gsih(['import', csv, '--tipo', 'articulos', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Importación 1 (articulos.csv, artículos): completada');
    expect(result.stdout).toContain('creados 3');
    expect(result.stdout).toContain('Leído como WINDOWS-1252');
    expect(
      query('SELECT codigo, nombre, material, diametro, stock_minimo FROM articles ORDER BY id'),
    ).toEqual([
      // Codes stay text: the leading zeros survive.
      {
        codigo: '0042',
        nombre: 'Tubo presión PVC',
        material: 'PVC',
        diametro: 20.5,
        stock_minimo: 1250.5,
      },
      {
        codigo: 'V-1',
        nombre: 'Válvula de bola ½" €',
        material: 'Latón',
        diametro: 12,
        stock_minimo: 3,
      },
      {
        codigo: 'C-9',
        nombre: 'Codo 90º\r\nde dos líneas',
        material: 'Fundición dúctil',
        diametro: 100,
        stock_minimo: 0,
      },
    ]);
  });

  it('rejects a file with a bad row: exit 1, the report on stdout, one line on stderr, nothing written', () => {
    const csv = file(
      'malo.csv',
      'codigo;nombre;diametro\r\nA-1;Tubo;20\r\nA-2;Codo;veinte\r\nA-1;Repetido;3\r\n',
    );
    const result = gsih(['import', csv, '--tipo', 'articulos', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('rechazada');
    expect(result.stdout).toMatch(/línea 3, «diametro»: «veinte» no es un número/);
    expect(result.stdout).toMatch(/línea 4, «codigo»: El código «A-1» aparece 2 veces/);
    expect(result.stderr.trim().split('\n')).toEqual([
      'gsih: 3 filas tienen errores: no se ha importado nada (todo o nada). Corrija el archivo, o importe solo las filas válidas con «omitir errores».',
    ]);
    expect(query('SELECT count(*) AS n FROM articles')).toEqual([{ n: 0 }]);
    // The rejected rows, in the file's own format, with their error.
    const report = readFileSync(join(dataDir, 'imports', '1-rechazadas.csv'), 'utf8');
    expect(report.split('\r\n')[0]).toBe('línea;error;codigo;nombre;diametro');
    expect(report).toContain('3;diametro: «veinte» no es un número');
  });

  it('--json prints the report with every problem at its line and column', () => {
    const csv = file('malo.csv', 'codigo;nombre;diametro\r\nA-1;;20\r\nA-2;Codo;-3\r\n');
    const result = gsih(['import', csv, '--tipo', 'articulos', '--json', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      id: 1,
      archivo: 'malo.csv',
      tipo: 'articulos',
      origen: 'cli',
      estado: 'RECHAZADA',
      simulacion: false,
      total: 2,
      creados: 0,
      rechazados: 2,
      rechazadas_csv: join(dataDir, 'imports', '1-rechazadas.csv'),
      problemas_omitidos: 0,
    });
    expect(report.problemas).toEqual([
      {
        linea: 2,
        columna: 'nombre',
        mensaje: expect.stringMatching(/^Falta el nombre/),
        severidad: 'error',
      },
      {
        linea: 3,
        columna: 'diametro',
        mensaje: expect.stringMatching(/no puede ser menor que 0/),
        severidad: 'error',
      },
    ]);
  });

  it('--dry-run reports what would change and leaves the data as it was: exit 0', () => {
    const csv = file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\nA-2;Codo\r\n');
    expect(gsih(['import', csv, '--tipo', 'articulos', '--data-dir', dataDir]).code).toBe(0);
    // What a dry run writes: its history row and its line in the integration log.
    const recorded = ['imports', 'import_errors', 'integration_log'];
    const before = contentDigest(join(dataDir, 'gsih.db'), recorded);
    const changed = file('b.csv', 'codigo;nombre\r\nA-1;Tubo\r\nA-2;Codo largo\r\nA-3;Té\r\n');
    const result = gsih([
      'import',
      changed,
      '--tipo',
      'articulos',
      '--dry-run',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      estado: 'COMPLETADA',
      simulacion: true,
      creados: 1,
      actualizados: 1,
      sin_cambios: 1,
    });
    expect(contentDigest(join(dataDir, 'gsih.db'), recorded)).toBe(before);
  });

  it('imports a stock count as approved adjustments, or adds with --sumar', () => {
    const articles = file('a.csv', 'codigo;nombre;stock minimo\r\nA-1;Tubo;5\r\nA-2;Codo;0\r\n');
    expect(gsih(['import', articles, '--tipo', 'articulos', '--data-dir', dataDir]).code).toBe(0);
    const count = file(
      'recuento.csv',
      'Código,Almacén,Cantidad\r\nA-1,PRINCIPAL,2.5\r\nA-2,NAVE,10\r\n',
    );
    const result = gsih(['import', count, '--tipo', 'stock', '--json', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { fases_ms: Record<string, number> };
    expect(report).toMatchObject({ estado: 'COMPLETADA', creados: 2 });
    // Where the time went, phase by phase, in the order they ran.
    expect(Object.keys(report.fases_ms)).toEqual([
      'lectura',
      'comprobacion',
      'aplicacion',
      'finalizacion',
    ]);
    expect(Object.values(report.fases_ms).every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(
      true,
    );
    const entry = file('entrada.csv', 'codigo;almacen;cantidad\r\nA-2;NAVE;1,5\r\n');
    expect(gsih(['import', entry, '--tipo', 'stock', '--sumar', '--data-dir', dataDir]).code).toBe(
      0,
    );
    expect(
      query(
        `SELECT m.tipo, a.codigo, m.almacen, m.cantidad, m.estado, m.origen, m.stock_resultante
         FROM movements m JOIN articles a ON a.id = m.articulo_id ORDER BY m.id`,
      ),
    ).toEqual([
      {
        tipo: 'AJUSTE',
        codigo: 'A-1',
        almacen: 'PRINCIPAL',
        cantidad: 2.5,
        estado: 'APROBADO',
        origen: 'importacion',
        stock_resultante: 2.5,
      },
      {
        tipo: 'AJUSTE',
        codigo: 'A-2',
        almacen: 'NAVE',
        cantidad: 10,
        estado: 'APROBADO',
        origen: 'importacion',
        stock_resultante: 10,
      },
      {
        tipo: 'ENTRADA',
        codigo: 'A-2',
        almacen: 'NAVE',
        cantidad: 1.5,
        estado: 'APROBADO',
        origen: 'importacion',
        stock_resultante: 11.5,
      },
    ]);
    // A-1 counted below its minimum of 5: the alert is open.
    expect(query(`SELECT estado FROM stock_alerts`)).toEqual([{ estado: 'ABIERTA' }]);
  });

  it.each([
    [['--tipo', 'articulos'], /import necesita el archivo CSV/],
    [['x.csv'], /--tipo debe ser articulos o stock/],
    [['x.csv', '--tipo', 'clientes'], /--tipo debe ser articulos o stock/],
    [['x.csv', '--tipo', 'articulos', '--sumar'], /--sumar solo vale con --tipo stock/],
    [['x.csv', '--tipo', 'stock', '--codificacion', 'ebcdic'], /Codificación desconocida: ebcdic/],
    [['x.csv', '--tipo', 'stock', '--delimitador', ':'], /Delimitador no válido: :/],
    [['x.csv', '--tipo', 'stock', '--numeros', 'romanos'], /--numeros debe ser coma o punto/],
    [['x.csv', '--tipo', 'stock', '--no-existe'], /Unknown option '--no-existe'/],
  ])('refuses bad arguments %j with exit 2 and the usage', (args, message) => {
    const result = gsih(['import', ...args, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Uso: gsih');
  });

  it('a file that does not exist, or the reader refuses, exits 1 with the reason', () => {
    const missing = gsih([
      'import',
      join(temp.dir, 'no.csv'),
      '--tipo',
      'stock',
      '--data-dir',
      dataDir,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No existe el archivo');
    const empty = gsih(['import', file('vacio.csv', ''), '--tipo', 'stock', '--data-dir', dataDir]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('El archivo está vacío (0 bytes)');
  });

  it('works beside a running gsih serve, which sees the new articles; a second import at once is refused', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 200_000 });
    const key = JSON.parse(
      gsih([
        'keys',
        'create',
        '--nombre',
        'Prueba',
        '--sistema',
        'ERP',
        '--json',
        '--data-dir',
        dataDir,
      ]).stdout,
    ) as { clave: string };
    const serve = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--data-dir',
        dataDir,
        '--api-host',
        '127.0.0.1',
        '--api-port',
        '0',
        '--no-ui',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      serve.stdout.on('data', (c) => (output += c));
      const api = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 15_000);
        serve.stdout.on('data', () => {
          const match = /^API: (\S+)$/m.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const count = async () => {
        const response = await fetch(`${api}api/external/articulos/?page_size=1`, {
          headers: { authorization: `ApiKey ${key.clave}` },
        });
        return ((await response.json()) as { count: number }).count;
      };
      expect(await count()).toBe(0);

      const first = spawn(process.execPath, [
        BIN,
        'import',
        csv,
        '--tipo',
        'articulos',
        '--data-dir',
        dataDir,
      ]);
      const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
      const lock = join(dataDir, 'imports', 'importacion.lock');
      for (let i = 0; i < 200 && !existsSync(lock); i++)
        await new Promise((r) => setTimeout(r, 25));
      const second = gsih(['import', csv, '--tipo', 'articulos', '--data-dir', dataDir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /Ya hay una importación en curso en este directorio de datos: grande\.csv \(articulos, desde las \d\d:\d\d, «gsih import», PID \d+\)/,
      );
      expect(await firstExit).toBe(0);
      // serve notices another process's commit before its next request (data_version).
      expect(await count()).toBe(200_000);
      expect(
        query<{ codigo: string }>('SELECT codigo FROM articles ORDER BY id DESC LIMIT 1')[0],
      ).toEqual({ codigo: articleCode(200_000) });
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  });

  it('Ctrl+C cancels the import: exit 1, CANCELADA, the data as it was', async () => {
    const csv = join(temp.dir, 'grande.csv');
    await writeArticlesCsv(csv, { rows: 300_000 });
    const small = file('a.csv', 'codigo;nombre\r\nA-1;Tubo\r\n');
    expect(gsih(['import', small, '--tipo', 'articulos', '--data-dir', dataDir]).code).toBe(0);
    const before = contentDigest(join(dataDir, 'gsih.db'), [
      'imports',
      'import_errors',
      'integration_log',
    ]);
    const child = spawn(process.execPath, [
      BIN,
      'import',
      csv,
      '--tipo',
      'articulos',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const staging = join(dataDir, 'imports', '2-preparacion.db');
    for (let i = 0; i < 400 && !existsSync(staging); i++)
      await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      id: 2,
      estado: 'CANCELADA',
      error: 'Cancelada: no se ha modificado nada.',
    });
    expect(
      contentDigest(join(dataDir, 'gsih.db'), ['imports', 'import_errors', 'integration_log']),
    ).toBe(before);
    expect(existsSync(staging)).toBe(false);
  });
});

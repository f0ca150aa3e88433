import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

// The warehouse loads what it has: a Windows-1252 export with `;`, decimal commas and accents,
// chosen in Importar CSV (uploaded to `gsih serve` by the browser), previewed, one column fixed
// by hand, checked, imported, seen in Inventario and in the history; then a file with bad rows
// and its downloadable report, files that cannot be imported, and a large import cancelled.
// The steps share one service and one browser, in order.

let serve: ServeProcess;
let browser: BrowserSession;
let page: Page;
let files: string;

const ARTICLES_1252 =
  'Código;Descripción;Diámetro (mm);Mat.;Stock mín.;Ubicación\r\n' +
  'VAL-001;Válvula ñ º €;12,5;Latón;1.250,5;Pasillo 3\r\n' +
  'COD-090;Codo 90º;1.100,75;Fundición dúctil;;Pasillo 4\r\n' +
  'TUB-010;"Tubo PVC, presión";20;PVC;3;\r\n';

// UTF-8, commas, decimal points: two bad rows and a code repeated inside the file.
const WITH_ERRORS =
  'codigo,nombre,diametro,stock_minimo\n' +
  'BRD-001,Brida ciega,50.5,2\n' +
  'BRD-002,,60,1\n' +
  'BRD-003,Brida roscada,doce,1\n' +
  'BRD-004,Brida loca,80,4\n';

beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'gsih-e2e-csv-'));
  await writeFile(join(files, 'artículos almacén.csv'), iconv.encode(ARTICLES_1252, 'win1252'));
  await writeFile(join(files, 'bridas con errores.csv'), WITH_ERRORS);
  await writeFile(
    join(files, 'foto.csv'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0, 0]),
  );
  await writeFile(join(files, 'sin nombre.csv'), 'Código;Precio\nX-1;3,5\nX-2;4\n');
  // Excel's «CSV UTF-8»: a BOM; and a tab-separated count.
  await writeFile(
    join(files, 'recuento.txt'),
    '\ufeffCódigo\tAlmacén\tCantidad\r\nVAL-001\tPRINCIPAL\t12,5\r\nCOD-090\tTALLER\t3\r\n',
  );
  serve = await startServe();
  browser = await openBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (files) await rm(files, { recursive: true, force: true });
});

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name });
const wizard = () => page.getByRole('region', { name: 'Importar CSV' });
const historyTable = () => page.getByRole('table', { name: 'Historial de importaciones' });
const count = (label: string) => wizard().getByRole('group', { name: label, exact: true });

async function expectVisible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

/** What a user does: click «Elegir archivo…» and pick the file in the browser's dialog. */
async function chooseFile(name: string) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    wizard()
      .getByRole('button', { name: /^Elegir (otro )?archivo/ })
      .click(),
  ]);
  await chooser.setFiles(join(files, name));
}

async function startAgain() {
  await wizard().getByRole('button', { name: 'Importar otro archivo' }).click();
  await expectVisible(wizard().getByText('¿Qué va a importar?'));
}

/** Calls the core over the bridge as another browser tab would, with the printed token. */
async function invoke(name: string, input: unknown): Promise<unknown> {
  const token = new URL(serve.uiUrl).hash.replace('#token=', '');
  const response = await fetch(`${serve.origin}/bridge/invoke/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await response.json()) as { ok: boolean; result?: unknown; error?: unknown };
  if (!envelope.ok) throw new Error(`${name} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result;
}

describe('Importar CSV, over gsih serve', () => {
  test('opens on the first step, with an empty history that says what it will hold', async () => {
    await page.goto(serve.uiUrl);
    await expectVisible(page.getByRole('status', { name: 'Conexión: Conectado' }));
    await nav('Importar CSV').click();
    await expectVisible(page.getByRole('heading', { name: 'Importar CSV', level: 2 }));
    await expectVisible(wizard().getByRole('radio', { name: /^Artículos/ }));
    await expectVisible(wizard().getByText(/Volver a importar el mismo archivo actualiza/));
    await expectVisible(wizard().getByText(/Arrastre aquí el archivo CSV/));
    await expectVisible(page.getByText('Aún no se ha importado ningún archivo'));
    await browser.screenshot('36-importar-csv-vacia');
  });

  test('a Windows-1252 file with `;` and decimal commas is previewed with its accents right', async () => {
    await chooseFile('artículos almacén.csv');
    await expectVisible(wizard().getByText('Primeras filas, tal como se importarán'));
    await expect
      .poll(() => wizard().getByRole('combobox', { name: 'Codificación' }).inputValue())
      .toBe('Automático: Windows-1252 (Excel)');
    expect(await wizard().getByRole('combobox', { name: 'Separador' }).inputValue()).toBe(
      'Automático: Punto y coma ( ; )',
    );
    expect(
      await wizard().getByRole('combobox', { name: 'Números con decimales' }).inputValue(),
    ).toBe('Automático: Coma decimal (1.234,5)');

    const preview = wizard().getByRole('table', { name: 'Vista previa del archivo' });
    const first = preview.getByRole('row').filter({ hasText: 'VAL-001' });
    await expectVisible(first.getByRole('cell', { name: 'Válvula ñ º €', exact: true }));
    await expectVisible(first.getByRole('cell', { name: '12,5', exact: true }));
    await expectVisible(first.getByRole('cell', { name: '1.250,5', exact: true }));
    await expectVisible(
      preview.getByRole('row').filter({ hasText: 'COD-090' }).getByRole('cell', {
        name: '1.100,75',
        exact: true,
      }),
    );
    await expectVisible(preview.getByRole('cell', { name: 'Tubo PVC, presión', exact: true }));
    // «Mat.» is no name the importer knows: Material has no column, and the column is listed.
    expect(await wizard().getByRole('combobox', { name: 'Material' }).inputValue()).toBe(
      '— No importar —',
    );
    await expectVisible(
      wizard().getByText('Columnas del archivo que no se importan: «Mat.», «Ubicación».'),
    );
    await browser.screenshot('37-importar-vista-previa');
  });

  test('a column fixed by hand is read at once', async () => {
    await wizard().getByRole('combobox', { name: 'Material' }).click();
    await page.getByRole('option', { name: 'Mat.', exact: true }).click();
    const preview = wizard().getByRole('table', { name: 'Vista previa del archivo' });
    await expectVisible(preview.getByRole('columnheader', { name: /Material/ }));
    await expectVisible(preview.getByRole('cell', { name: 'Fundición dúctil', exact: true }));
    await expectVisible(
      wizard().getByText('Columnas del archivo que no se importan: «Ubicación».'),
    );
    await browser.screenshot('38-importar-columna-corregida');
  });

  test('the check reads every row and says what would change, writing nothing', async () => {
    await wizard().getByRole('button', { name: 'Comprobar el archivo' }).click();
    await expectVisible(wizard().getByText('Resultado de la comprobación'));
    await expectVisible(
      wizard().getByText('Las 3 filas se pueden importar. Todavía no se ha guardado nada.'),
    );
    await expectVisible(count('Se crearían').getByText('3', { exact: true }));
    await expectVisible(count('Rechazadas').getByText('0', { exact: true }));
    expect(await invoke('app/info', {})).toMatchObject({ counts: { articulos: 0 } });
    await browser.screenshot('39-importar-comprobacion');
  });

  test('the import saves the articles and reports what it did', async () => {
    await wizard().getByRole('button', { name: 'Importar', exact: true }).click();
    await expectVisible(wizard().getByRole('heading', { name: 'Importación completada' }));
    await expectVisible(count('Creados').getByText('3', { exact: true }));
    await expectVisible(wizard().getByText(/artículos almacén\.csv · Artículos · 3 filas en/));
    await expectVisible(
      wizard().getByText(/Leído como Windows-1252 \(Excel\), separador punto y coma/),
    );

    const row = historyTable().getByRole('row').filter({ hasText: 'artículos almacén.csv' });
    await expect.poll(() => row.count()).toBe(2);
    await expectVisible(
      row.filter({ hasText: 'Completada' }).filter({ hasNotText: 'Comprobación' }),
    );
    await expectVisible(row.filter({ hasText: 'Comprobación' }));
    await expectVisible(row.first().getByText('desde la aplicación'));
    await browser.screenshot('40-importar-informe');
  });

  test('the imported articles are in Inventario, accents and decimals included', async () => {
    await wizard().getByRole('button', { name: 'Ver en Inventario' }).click();
    const articles = page.getByRole('table', { name: 'Artículos' });
    const valve = articles.getByRole('row').filter({ hasText: 'VAL-001' });
    await expectVisible(valve.getByText('Válvula ñ º €'));
    await expectVisible(valve.getByText('Latón'));
    await expectVisible(articles.getByRole('row').filter({ hasText: 'Fundición dúctil' }));
    await browser.screenshot('41-inventario-importado');
    const list = (await invoke('inventory/listArticles', { texto: 'VAL-001' })) as {
      items: Array<{ nombre: string; diametro: number; stock_minimo: number; material: string }>;
    };
    expect(list.items[0]).toMatchObject({
      nombre: 'Válvula ñ º €',
      diametro: 12.5,
      stock_minimo: 1250.5,
      material: 'Latón',
    });
  });

  test('a file with bad rows is refused by the check (all or nothing), with every problem', async () => {
    // Leaving the page leaves the finished import behind: it is in the history.
    await nav('Importar CSV').click();
    await expectVisible(wizard().getByText('¿Qué va a importar?'));
    await chooseFile('bridas con errores.csv');
    await expectVisible(wizard().getByText('Primeras filas, tal como se importarán'));
    // The preview already marks the bad cells.
    await expectVisible(
      wizard()
        .getByText(/«doce» no es un número válido para diámetro/)
        .first(),
    );
    await wizard().getByRole('button', { name: 'Comprobar el archivo' }).click();
    await expectVisible(wizard().getByText(/2 filas tienen errores, así que con «todo o nada»/));
    await expectVisible(count('Se crearían').getByText('2', { exact: true }));
    await expectVisible(count('Rechazadas').getByText('2', { exact: true }));
    const issues = wizard().getByRole('table', { name: 'Problemas de la importación' });
    await expectVisible(issues.getByRole('row').filter({ hasText: /^3nombre/ }));
    await expectVisible(issues.getByRole('row').filter({ hasText: 'diametro' }));
    expect(await wizard().getByRole('button', { name: 'Importar', exact: true }).isDisabled()).toBe(
      true,
    );
    await browser.screenshot('42-importar-errores-comprobacion');
  });

  test('skipping the bad rows imports the valid ones, and the rejected rows download as CSV', async () => {
    await wizard().getByRole('checkbox', { name: 'Omitir las filas con errores' }).check();
    await expectVisible(wizard().getByText(/2 filas tienen errores: se omitirán/));
    await wizard().getByRole('button', { name: 'Importar las 2 filas válidas' }).click();
    await expectVisible(wizard().getByRole('heading', { name: 'Importación completada' }));
    await expectVisible(count('Creados').getByText('2', { exact: true }));
    await expectVisible(count('Rechazadas').getByText('2', { exact: true }));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      wizard().getByRole('button', { name: 'Descargar filas rechazadas' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bridas con errores-rechazadas.csv');
    const report = await readFile((await download.path())!, 'utf8');
    const lines = report.trim().split(/\r?\n/);
    expect(lines[0]).toBe('línea,error,codigo,nombre,diametro,stock_minimo');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^3,.*nombre.*,BRD-002,,60,1$/);
    expect(lines[2]).toMatch(/^4,.*doce.*,BRD-003,Brida roscada,doce,1$/);
    await browser.screenshot('43-importar-filas-validas-informe');
  });

  test('the history keeps each import with its problems, a click away', async () => {
    const row = historyTable()
      .getByRole('row')
      .filter({ hasText: 'bridas con errores.csv' })
      .filter({ hasNotText: 'Comprobación' });
    await row.getByRole('button', { name: /Ver los detalles de la importación/ }).click();
    await expectVisible(page.getByText('Opciones: omitir filas con errores'));
    await expectVisible(
      historyTable()
        .getByRole('table', { name: 'Problemas de la importación' })
        .getByText(/Falta el nombre/),
    );
    await page
      .getByRole('heading', { name: 'Historial de importaciones' })
      .scrollIntoViewIfNeeded();
    await browser.screenshot('44-historial-importaciones');
  });

  test('a file that is not text, or lacks a required column, is explained in Spanish', async () => {
    await startAgain();
    await chooseFile('foto.csv');
    await expectVisible(
      wizard().getByRole('alert').filter({ hasText: 'No se puede leer el archivo' }),
    );
    await expectVisible(wizard().getByText(/El archivo no parece un CSV de texto/));
    expect(await wizard().getByRole('button', { name: 'Comprobar el archivo' }).isDisabled()).toBe(
      true,
    );
    await browser.screenshot('45-importar-archivo-binario');

    await wizard().getByRole('button', { name: 'Atrás' }).click();
    await chooseFile('sin nombre.csv');
    await expectVisible(
      wizard().getByText(/Falta la columna obligatoria «Nombre»\. Elija arriba de qué columna/),
    );
    await expectVisible(wizard().getByText('Obligatorio: elija la columna'));
    expect(await wizard().getByRole('button', { name: 'Comprobar el archivo' }).isDisabled()).toBe(
      true,
    );
    await browser.screenshot('46-importar-falta-columna');
    await wizard().getByRole('button', { name: 'Atrás' }).click();
  });

  test('a stock count sets the counted stock per almacén, through approved adjustments', async () => {
    await wizard()
      .getByRole('radio', { name: /^Stock/ })
      .check();
    await chooseFile('recuento.txt');
    await expect
      .poll(() => wizard().getByRole('combobox', { name: 'Codificación' }).inputValue())
      .toBe('Automático: UTF-8 con BOM');
    expect(await wizard().getByRole('combobox', { name: 'Separador' }).inputValue()).toBe(
      'Automático: Tabulador',
    );
    const preview = wizard().getByRole('table', { name: 'Vista previa del archivo' });
    await expectVisible(
      preview.getByRole('row').filter({ hasText: 'VAL-001' }).getByRole('cell', { name: '12,5' }),
    );
    await expectVisible(
      wizard().getByRole('checkbox', { name: 'Sumar las cantidades al stock que ya hay' }),
    );
    await browser.screenshot('47-importar-stock');
    await wizard().getByRole('button', { name: 'Comprobar el archivo' }).click();
    await expectVisible(
      wizard().getByText('Las 2 filas se pueden importar. Todavía no se ha guardado nada.'),
    );
    await wizard().getByRole('button', { name: 'Importar', exact: true }).click();
    await expectVisible(wizard().getByRole('heading', { name: 'Importación completada' }));
    const stock = (await invoke('inventory/listStock', {})) as {
      items: Array<{ codigo: string; almacen: string; cantidad: number }>;
    };
    expect(
      stock.items.map(({ codigo, almacen, cantidad }) => ({ codigo, almacen, cantidad })),
    ).toEqual(
      expect.arrayContaining([
        { codigo: 'VAL-001', almacen: 'PRINCIPAL', cantidad: 12.5 },
        { codigo: 'COD-090', almacen: 'TALLER', cantidad: 3 },
      ]),
    );
    const movements = (await invoke('inventory/listMovements', { tipo: 'AJUSTE' })) as {
      items: Array<{ estado: string; origen: string }>;
    };
    expect(movements.items).toHaveLength(2);
    expect(
      movements.items.every((m) => m.estado === 'APROBADO' && m.origen === 'importacion'),
    ).toBe(true);
    await startAgain();
    await wizard()
      .getByRole('radio', { name: /^Artículos/ })
      .check();
  });

  test('a large import shows its progress and rows per second, and cancelling leaves nothing', async () => {
    const path = join(files, 'catalogo grande.csv');
    const out = createWriteStream(path);
    out.write('Código;Nombre;Diámetro;Stock mínimo\n');
    const rows = 600_000;
    for (let i = 0; i < rows; i += 10_000) {
      let chunk = '';
      for (let j = i; j < i + 10_000; j++) {
        chunk += `GR-${String(j).padStart(7, '0')};Artículo de catálogo nº ${j};${j % 500},5;${j % 7}\n`;
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const before = (await invoke('app/info', {})) as { counts: { articulos: number } };

    await chooseFile('catalogo grande.csv');
    await expectVisible(wizard().getByText('Primeras filas, tal como se importarán'));
    await wizard().getByRole('button', { name: 'Comprobar el archivo' }).click();
    await expectVisible(
      wizard().getByText(/filas se pueden importar\. Todavía no se ha guardado nada\./),
    );
    await wizard().getByRole('button', { name: 'Importar', exact: true }).click();
    await expectVisible(
      wizard().getByRole('heading', { name: /^Importando «catalogo grande\.csv»/ }),
    );
    await expectVisible(wizard().getByTestId('import-rate'));
    await expect.poll(() => wizard().getByTestId('import-rate').innerText()).toMatch(/\d filas\/s/);
    await browser.screenshot('48-importar-progreso');
    await wizard().getByRole('button', { name: 'Cancelar' }).click();
    await expectVisible(
      wizard().getByRole('heading', { name: 'Importación cancelada: no se ha guardado nada' }),
    );
    await expectVisible(wizard().getByText('Cancelada: no se ha modificado nada.'));
    expect(await invoke('app/info', {})).toMatchObject({
      counts: { articulos: before.counts.articulos },
    });
    await browser.screenshot('49-importar-cancelada');
  });

  test('the page reads well in English too', async () => {
    await invoke('settings/update', { language: 'en' });
    const region = page.getByRole('region', { name: 'Import CSV' });
    await region.getByRole('button', { name: 'Import another file' }).click();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      region.getByRole('button', { name: 'Choose file…' }).click(),
    ]);
    await chooser.setFiles(join(files, 'artículos almacén.csv'));
    await expectVisible(region.getByText('First rows, as they will be imported'));
    // The columns chosen by hand for these headers were remembered.
    await expectVisible(
      region.getByText('Using the columns you chose last time for a file with these same headers.'),
    );
    expect(await region.getByRole('combobox', { name: 'Material' }).inputValue()).toBe('Mat.');
    await browser.screenshot('50-import-csv-english');
    await invoke('settings/update', { language: 'es' });
  });
});

import { describe, expect, it } from 'vitest';
import { createFileDialogs, type DialogLike } from '../../../src/main/electron/file-dialogs';
import type { Language } from '../../../src/shared/settings';

// The CSV import's dialogs over a stand-in for Electron's `dialog`: modal to the app's window,
// in the saved language, and a closed dialog is "nothing chosen", never an error.

function standIn(answers: { open: string[] | null; save: string | null }) {
  const calls: Array<{ kind: 'open' | 'save'; window: string; options: unknown }> = [];
  const dialog: DialogLike<string> = {
    showOpenDialog: async (window, options) => {
      calls.push({ kind: 'open', window, options });
      return { canceled: answers.open === null, filePaths: answers.open ?? [] };
    },
    showSaveDialog: async (window, options) => {
      calls.push({ kind: 'save', window, options });
      return { canceled: answers.save === null, filePath: answers.save ?? undefined };
    },
  };
  return { dialog, calls };
}

describe('createFileDialogs', () => {
  it('opens a CSV picker modal to the window, in Spanish, and returns the chosen path', async () => {
    const { dialog, calls } = standIn({ open: ['/datos/artículos.csv'], save: null });
    const dialogs = createFileDialogs(
      dialog,
      () => 'ventana',
      () => 'es',
    );
    expect(await dialogs.chooseCsv()).toBe('/datos/artículos.csv');
    expect(calls).toEqual([
      {
        kind: 'open',
        window: 'ventana',
        options: expect.objectContaining({
          title: 'Elegir el archivo CSV que importar',
          properties: ['openFile'],
          filters: [
            { name: 'Archivos CSV o de texto', extensions: ['csv', 'txt', 'tsv'] },
            { name: 'Todos los archivos', extensions: ['*'] },
          ],
        }),
      },
    ]);
  });

  it('returns null when the user closes either dialog', async () => {
    const { dialog } = standIn({ open: null, save: null });
    const dialogs = createFileDialogs(
      dialog,
      () => 'ventana',
      () => 'es',
    );
    expect(await dialogs.chooseCsv()).toBeNull();
    expect(await dialogs.chooseSaveLocation('x-rechazadas.csv')).toBeNull();
  });

  it('offers the report under its name, in the language of the settings at that moment', async () => {
    let language: Language = 'es';
    const { dialog, calls } = standIn({ open: null, save: '/tmp/informe.csv' });
    const dialogs = createFileDialogs(
      dialog,
      () => 'ventana',
      () => language,
    );
    language = 'en';
    expect(await dialogs.chooseSaveLocation('artículos-rechazadas.csv')).toBe('/tmp/informe.csv');
    expect(calls[0]!.options).toMatchObject({
      title: 'Save the rejected rows report',
      defaultPath: 'artículos-rechazadas.csv',
    });
  });

  it('refuses to open a dialog with no window to attach it to', async () => {
    const { dialog, calls } = standIn({ open: ['/a.csv'], save: null });
    const dialogs = createFileDialogs(
      dialog,
      () => undefined,
      () => 'es',
    );
    await expect(dialogs.chooseCsv()).rejects.toThrow(/window/);
    expect(calls).toEqual([]);
  });
});

import type { Language } from '../../shared/settings';
import type { FileDialogs } from '../import-ui/handlers';

// The desktop app's open and save dialogs for the CSV import, over the part of Electron's
// `dialog` they use (pure module: tested with a stand-in). The renderer never sees a path it
// could choose: it asks the core (`imports/pickFile`, `imports/saveRejected`), which asks these.

interface OpenDialogOptions {
  title: string;
  buttonLabel: string;
  properties: Array<'openFile'>;
  filters: Array<{ name: string; extensions: string[] }>;
}

interface SaveDialogOptions {
  title: string;
  buttonLabel: string;
  defaultPath: string;
  filters: Array<{ name: string; extensions: string[] }>;
}

/** What the dialogs use of Electron's `dialog`; the window is the dialogs' parent (modal). */
export interface DialogLike<Window> {
  showOpenDialog(
    window: Window,
    options: OpenDialogOptions,
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(
    window: Window,
    options: SaveDialogOptions,
  ): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

const LABELS: Record<
  Language,
  { open: string; openButton: string; save: string; saveButton: string; csv: string; all: string }
> = {
  es: {
    open: 'Elegir el archivo CSV que importar',
    openButton: 'Elegir',
    save: 'Guardar el informe de filas rechazadas',
    saveButton: 'Guardar',
    csv: 'Archivos CSV o de texto',
    all: 'Todos los archivos',
  },
  en: {
    open: 'Choose the CSV file to import',
    openButton: 'Choose',
    save: 'Save the rejected rows report',
    saveButton: 'Save',
    csv: 'CSV or text files',
    all: 'All files',
  },
};

export function createFileDialogs<Window>(
  dialog: DialogLike<Window>,
  /** The app's window, or undefined while it does not exist (the dialogs are then refused). */
  window: () => Window | undefined,
  language: () => Language,
): FileDialogs {
  const parent = (): Window => {
    const current = window();
    if (current === undefined) throw new Error('the app window is not open');
    return current;
  };
  return {
    async chooseCsv() {
      const labels = LABELS[language()] ?? LABELS.es;
      const result = await dialog.showOpenDialog(parent(), {
        title: labels.open,
        buttonLabel: labels.openButton,
        properties: ['openFile'],
        filters: [
          { name: labels.csv, extensions: ['csv', 'txt', 'tsv'] },
          { name: labels.all, extensions: ['*'] },
        ],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },

    async chooseSaveLocation(defaultName) {
      const labels = LABELS[language()] ?? LABELS.es;
      const result = await dialog.showSaveDialog(parent(), {
        title: labels.save,
        buttonLabel: labels.saveButton,
        defaultPath: defaultName,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}

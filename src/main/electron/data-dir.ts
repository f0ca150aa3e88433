import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../shared/errors';

// Where the desktop app keeps its data: `--data-dir DIR` (or `--data-dir=DIR`) on the command
// line, else GSIH_DATA_DIR, else Electron's userData folder — the same rule as `gsih`.
// Pure module: no `electron` import.

export function resolveDesktopDataDir(options: {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  defaultDir: string;
}): string {
  const chosen = dataDirFromArgv(options.argv) ?? nonEmpty(options.env.GSIH_DATA_DIR);
  if (chosen === undefined) return options.defaultDir;
  return isAbsolute(chosen) ? chosen : resolve(options.cwd, chosen);
}

/** The value of `--data-dir`; the last one wins. Throws a Spanish AppError when it has none. */
export function dataDirFromArgv(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--data-dir') {
      const value = nonEmpty(argv[i + 1]);
      if (value === undefined || value.startsWith('--')) {
        throw new AppError('VALIDATION', '--data-dir necesita una carpeta');
      }
      found = value;
      i++;
    } else if (arg.startsWith('--data-dir=')) {
      const value = nonEmpty(arg.slice('--data-dir='.length));
      if (value === undefined) throw new AppError('VALIDATION', '--data-dir necesita una carpeta');
      found = value;
    }
  }
  return found;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export { ensureDataDir } from '../settings/paths';

import { join } from 'node:path';
import { runCli } from './cli/run';

// The headless entry (`gsih`): bundled to out/main/cli.js beside the Electron entry.
const waitForShutdown = () =>
  new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  waitForShutdown,
  staticDir: join(__dirname, '../renderer'),
  importWorkerFile: join(__dirname, 'import-worker.js'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gsih: error inesperado: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);

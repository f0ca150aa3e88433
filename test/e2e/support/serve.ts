import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const STARTUP_TIMEOUT_MS = 30_000;

export interface ServeProcess {
  /** The UI address as printed, with its #token= fragment. */
  uiUrl: string;
  /** The same address without the fragment: what a user who lost the token would open. */
  origin: string;
  /** Where the external API listens (loopback, a free port), without a trailing slash. */
  apiOrigin: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `gsih serve` on a fresh data directory and waits for the lines that print the UI and
 * API addresses. The API gets a free loopback port, so tests never collide with a running
 * service on the default 8787 (nor expose anything on the LAN).
 */
export async function startServe(): Promise<ServeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gsih-e2e-data-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/gsih.cjs'),
      'serve',
      '--data-dir',
      dataDir,
      '--ui-port',
      '0',
      '--api-host',
      '127.0.0.1',
      '--api-port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  try {
    const { uiUrl, apiUrl } = await new Promise<{ uiUrl: string; apiUrl: string }>(
      (resolveUrls, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`gsih serve printed no UI and API lines in time.\n${stdout}\n${stderr}`),
            ),
          STARTUP_TIMEOUT_MS,
        );
        const check = () => {
          const ui = /^UI: (\S+)/m.exec(stdout)?.[1];
          const api = /^API: (\S+)/m.exec(stdout)?.[1];
          if (ui && api) {
            clearTimeout(timer);
            resolveUrls({ uiUrl: ui, apiUrl: api });
          }
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`gsih serve exited with ${code}.\n${stdout}\n${stderr}`));
        });
      },
    );
    return {
      uiUrl,
      origin: new URL(uiUrl).origin,
      apiOrigin: new URL(apiUrl).origin,
      dataDir,
      stop: async () => {
        await stopProcess(child);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

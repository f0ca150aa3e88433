import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createCore, type Core } from '../core';
import { buildBridgeServer } from '../bridge/server';
import { acquireServeLock } from '../serve-lock';
import { localActor } from '../actor';
import type { Logger } from '../logger';

export interface ServeOptions {
  dataDir: string;
  uiPort?: number | undefined;
  ui: boolean;
  apiHost?: string | undefined;
  apiPort?: number | undefined;
  staticDir?: string | undefined;
  importWorkerFile?: string | undefined;
  logger: Logger;
}

export interface RunningServer {
  core: Core;
  /** The UI address with its access token in the fragment; null with --no-ui. */
  uiUrl: string | null;
  /** Where the external API listens (the bound address, port resolved). */
  apiUrl: string;
  stop(): Promise<void>;
}

/** Runs the core headless: takes the serve lock, starts the core and the UI bridge on loopback. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const lock = acquireServeLock(options.dataDir, { mode: 'headless' });
  let core: Core | undefined;
  try {
    core = await createCore({
      dataDir: options.dataDir,
      headless: true,
      logger: options.logger,
      importWorkerFile: options.importWorkerFile,
    });
    await core.start({ api: { host: options.apiHost, port: options.apiPort, required: true } });
    const api = core.apiStatus();
    const apiUrl = `http://${api.host.includes(':') ? `[${api.host}]` : api.host}:${api.port}/`;
    lock.update({ api: apiUrl });
    let uiUrl: string | null = null;
    let bridge: ReturnType<typeof buildBridgeServer> | null = null;
    if (options.ui) {
      const token = randomBytes(32).toString('base64url');
      bridge = buildBridgeServer({
        dispatch: core.dispatch,
        subscribe: core.subscribe,
        token,
        ctx: { actor: localActor('ui') },
        logger: options.logger,
        staticDir: options.staticDir,
        files: core.services.importFiles,
      });
      await bridge.listen({
        host: '127.0.0.1',
        port: options.uiPort ?? core.services.settings.get().uiPort,
      });
      const { port } = bridge.server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}/`;
      uiUrl = `${base}#token=${token}`;
      lock.update({ ui: base });
    }
    core.services.log.write({
      sistema: 'GSIH',
      tipo: 'servicio',
      estado: 'INFO',
      datos_enviados: {
        evento: 'inicio',
        modo: 'sin ventana',
        interfaz: uiUrl ? uiUrl.split('#')[0] : null,
        api: apiUrl,
      },
    });

    const running = core;
    let stopping: Promise<void> | null = null;
    return {
      core: running,
      uiUrl,
      apiUrl,
      stop() {
        stopping ??= (async () => {
          running.services.log.write({
            sistema: 'GSIH',
            tipo: 'servicio',
            estado: 'INFO',
            datos_enviados: { evento: 'parada', modo: 'sin ventana' },
          });
          await bridge?.close();
          await running.stop();
          lock.release();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await core?.stop();
    lock.release();
    throw error;
  }
}

import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// URL trust decisions for the desktop shell. Every check parses the URL and compares its parts;
// nothing here matches substrings ("localhost" inside a query string is not the app).
// Pure module: no `electron` import, so it is tested in plain Node.

/** Where the renderer is loaded from: the built file in production, the Vite server in dev. */
export type RendererTarget =
  | { kind: 'file'; /** absolute path of out/renderer/index.html */ indexPath: string }
  | { kind: 'dev'; /** ELECTRON_RENDERER_URL as given by electron-vite */ url: string };

/**
 * The dev server is used only when electron-vite says so (ELECTRON_RENDERER_URL) and the app is
 * not packaged; the URL must be http(s) on a loopback host, otherwise the built file is used.
 */
export function resolveRendererTarget(options: {
  devServerUrl: string | undefined;
  isPackaged: boolean;
  rendererDir: string;
}): RendererTarget {
  const fileTarget: RendererTarget = {
    kind: 'file',
    indexPath: resolve(options.rendererDir, 'index.html'),
  };
  if (options.isPackaged || !options.devServerUrl) return fileTarget;
  const dev = parseUrl(options.devServerUrl);
  if (!dev || !isHttp(dev) || !isLoopbackHost(dev.hostname)) return fileTarget;
  return { kind: 'dev', url: dev.href };
}

/** What `BrowserWindow.loadURL` is given. */
export function rendererEntryUrl(target: RendererTarget): string {
  return target.kind === 'dev' ? target.url : pathToFileURL(target.indexPath).href;
}

/**
 * Whether a URL is the app's own renderer. In production only the one index.html file (any
 * hash, since the UI routes with the hash); in dev, any path on the dev server's origin.
 */
export function isAppUrl(url: string, target: RendererTarget): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (target.kind === 'dev') {
    const dev = parseUrl(target.url);
    return dev !== null && isHttp(parsed) && parsed.origin === dev.origin;
  }
  if (parsed.protocol !== 'file:') return false;
  parsed.search = '';
  parsed.hash = '';
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    // A file URL that has no local path (e.g. an encoded separator) is not the app.
    return false;
  }
  return samePath(path, target.indexPath);
}

/** The minimal view of an Electron `WebFrameMain` needed to trust a sender. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the app's own page, in its main frame, may call the core (no iframes, no other pages). */
export function isTrustedSenderFrame(
  frame: SenderFrameLike | null | undefined,
  target: RendererTarget,
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, target);
}

/**
 * The URL to hand to the system browser for a link the page tried to open, or null when it must
 * not be opened: only http and https, with a host and no embedded credentials.
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || !isHttp(parsed) || parsed.hostname === '') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}

function parseUrl(url: string): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    // Not a URL at all: callers treat it as untrusted.
    return null;
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function samePath(a: string, b: string): boolean {
  const left = resolve(a);
  const right = resolve(b);
  // Windows and macOS file systems are case-insensitive by default.
  return process.platform === 'linux' ? left === right : left.toLowerCase() === right.toLowerCase();
}

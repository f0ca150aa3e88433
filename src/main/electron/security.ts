import { app, shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../logger';
import { contentSecurityPolicy, withContentSecurityPolicy } from './csp';
import { isPermissionGranted } from './permissions';
import { externalUrlToOpen, isAppUrl, type RendererTarget } from './trusted-url';

// The session- and web-contents-wide rules of the desktop shell. The decisions themselves
// live in pure modules (trusted-url, permissions, csp) with tests; this file only wires them.

/** Denies permissions, and puts the app's CSP on every response the session receives. */
export function hardenSession(session: Session, target: RendererTarget, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isPermissionGranted(permission, details, target);
    if (!granted) log.warn(`permission "${permission}" denied`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted(permission, details, target),
  );
  session.setDevicePermissionHandler(() => false);

  const policy = contentSecurityPolicy(target);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
}

/**
 * For every web contents the app creates: no new windows (http/https links go to the system
 * browser), no navigation away from the app's page, no <webview>.
 */
export function guardAllWebContents(target: RendererTarget, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, target, log));
}

function guardWebContents(contents: WebContents, target: RendererTarget, log: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    openInSystemBrowser(url, log);
    return { action: 'deny' };
  });

  // A plain link the user clicks leaves for the system browser; anything else is just stopped.
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, target)) return;
    event.preventDefault();
    openInSystemBrowser(event.url, log);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || isAppUrl(event.url, target)) return;
    event.preventDefault();
    log.warn('a subframe navigation was refused');
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url, target)) return;
    event.preventDefault();
    log.warn('a redirect away from the app was refused');
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('a <webview> was refused');
  });
}

function openInSystemBrowser(url: string, log: Logger): void {
  const external = externalUrlToOpen(url);
  if (external === null) {
    log.warn(`refused to open a non-http(s) URL (${describeScheme(url)})`);
    return;
  }
  shell.openExternal(external).catch((error: unknown) => {
    log.warn('the system browser could not open a link', error);
  });
}

function describeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match ? `${match[1]!.toLowerCase()}:` : 'no scheme';
}

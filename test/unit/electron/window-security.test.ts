import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../../../src/main/electron/csp';
import { isPermissionGranted } from '../../../src/main/electron/permissions';
import type { RendererTarget } from '../../../src/main/electron/trusted-url';
import { mainWindowOptions } from '../../../src/main/electron/window-options';

const fileTarget: RendererTarget = {
  kind: 'file',
  indexPath: join('/opt', 'gsih', 'out', 'renderer', 'index.html'),
};
const devTarget: RendererTarget = { kind: 'dev', url: 'http://localhost:5173/' };
const appUrl = pathToFileURL(fileTarget.indexPath).href;

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('main window options', () => {
  const options = mainWindowOptions({
    preloadPath: '/opt/gsih/out/preload/index.js',
    iconPath: '/opt/icon.png',
  });

  it('isolates the page: sandbox, context isolation, no Node, web security on', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/opt/gsih/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('starts hidden, to be shown when the page is ready', () => {
    expect(options.show).toBe(false);
    expect(options.title).toBe('GSIH Integraciones');
  });
});

describe('content security policy', () => {
  it('allows only the app bundle in production, no inline or eval script, no framing', () => {
    const policy = directives(contentSecurityPolicy(fileTarget));
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(contentSecurityPolicy(fileTarget)).not.toMatch(/unsafe-eval/);
  });

  it("in dev, adds only the dev server's HMR socket and React Refresh's inline preamble", () => {
    const policy = directives(contentSecurityPolicy(devTarget));
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(policy.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('default-src')).toEqual(["'none'"]);
  });

  it('replaces any policy a response carried, whatever the header case, and keeps the rest', () => {
    const headers = withContentSecurityPolicy(
      {
        'content-security-policy': ['default-src *'],
        'Content-Security-Policy-Report-Only': 'default-src *',
        'Content-Type': 'text/html',
        'Cache-Control': ['no-cache'],
      },
      "default-src 'none'",
    );
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Cache-Control': ['no-cache'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
    expect(withContentSecurityPolicy(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});

describe('permissions', () => {
  const fromApp = { requestingUrl: `${appUrl}#/claves`, isMainFrame: true };

  it('denies every permission to every page except clipboard writes from the app page', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'unknown',
    ]) {
      expect(isPermissionGranted(permission, fromApp, fileTarget), permission).toBe(false);
    }
    expect(isPermissionGranted('clipboard-sanitized-write', fromApp, fileTarget)).toBe(true);
  });

  it('denies clipboard writes to subframes, other pages and requests without a URL', () => {
    const write = 'clipboard-sanitized-write';
    expect(isPermissionGranted(write, { ...fromApp, isMainFrame: false }, fileTarget)).toBe(false);
    expect(
      isPermissionGranted(
        write,
        { requestingUrl: 'https://evil.example/', isMainFrame: true },
        fileTarget,
      ),
    ).toBe(false);
    expect(isPermissionGranted(write, { isMainFrame: true }, fileTarget)).toBe(false);
  });
});

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  externalUrlToOpen,
  isAppUrl,
  isTrustedSenderFrame,
  rendererEntryUrl,
  resolveRendererTarget,
  type RendererTarget,
} from '../../../src/main/electron/trusted-url';

const rendererDir = join('/opt', 'gsih', 'out', 'renderer');
const fileTarget: RendererTarget = { kind: 'file', indexPath: join(rendererDir, 'index.html') };
const indexUrl = pathToFileURL(fileTarget.indexPath).href;
const devTarget: RendererTarget = { kind: 'dev', url: 'http://localhost:5173/' };

describe('resolveRendererTarget', () => {
  it('uses the built index.html when there is no dev server', () => {
    expect(
      resolveRendererTarget({ devServerUrl: undefined, isPackaged: false, rendererDir }),
    ).toEqual(fileTarget);
  });

  it('uses the dev server given by electron-vite on a loopback address', () => {
    for (const url of ['http://localhost:5173', 'http://127.0.0.1:5173/', 'http://[::1]:5173/']) {
      expect(
        resolveRendererTarget({ devServerUrl: url, isPackaged: false, rendererDir }),
      ).toMatchObject({
        kind: 'dev',
      });
    }
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app, so the environment cannot redirect it', () => {
    expect(
      resolveRendererTarget({
        devServerUrl: 'http://localhost:5173',
        isPackaged: true,
        rendererDir,
      }),
    ).toEqual(fileTarget);
  });

  it('ignores a dev server URL that is not http(s) on loopback', () => {
    for (const url of [
      'https://evil.example:5173/',
      'http://localhost.evil.example/',
      'http://192.168.1.20:5173/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(
        resolveRendererTarget({ devServerUrl: url, isPackaged: false, rendererDir }),
        url,
      ).toEqual(fileTarget);
    }
  });

  it('loads the file target as a file: URL and the dev target as given', () => {
    expect(rendererEntryUrl(fileTarget)).toBe(indexUrl);
    expect(rendererEntryUrl(devTarget)).toBe('http://localhost:5173/');
  });
});

describe('isAppUrl', () => {
  it('accepts the app page itself, with any hash route or query', () => {
    expect(isAppUrl(indexUrl, fileTarget)).toBe(true);
    expect(isAppUrl(`${indexUrl}#/movimientos`, fileTarget)).toBe(true);
    expect(isAppUrl(`${indexUrl}?x=1#/`, fileTarget)).toBe(true);
  });

  it('refuses other files, folders, schemes and look-alikes', () => {
    const others = [
      pathToFileURL(join(rendererDir, 'other.html')).href,
      pathToFileURL(rendererDir).href + '/',
      pathToFileURL('/etc/passwd').href,
      `${indexUrl}.evil`,
      `${pathToFileURL(rendererDir).href}%2Findex.html`,
      'https://localhost/out/renderer/index.html',
      'http://evil.example/?file=/opt/gsih/out/renderer/index.html',
      'about:blank',
      'data:text/html,<script>1</script>',
      '',
      'index.html',
    ];
    for (const url of others) expect(isAppUrl(url, fileTarget), url).toBe(false);
  });

  it('accepts any path on the dev server origin and nothing else in dev', () => {
    expect(isAppUrl('http://localhost:5173/', devTarget)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', devTarget)).toBe(true);
    const others = [
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://localhost.evil.example:5173/',
      'http://evil.example/?localhost:5173',
      'http://user@evil.example/#http://localhost:5173/',
      'ws://localhost:5173/',
      indexUrl,
    ];
    for (const url of others) expect(isAppUrl(url, devTarget), url).toBe(false);
  });
});

describe('isTrustedSenderFrame', () => {
  it("trusts only the app page's main frame", () => {
    const main = { url: `${indexUrl}#/`, parent: null };
    expect(isTrustedSenderFrame(main, fileTarget)).toBe(true);
    expect(isTrustedSenderFrame({ url: main.url, parent: main }, fileTarget)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://evil.example/', parent: null }, fileTarget)).toBe(
      false,
    );
    expect(isTrustedSenderFrame(null, fileTarget)).toBe(false);
    expect(isTrustedSenderFrame(undefined, fileTarget)).toBe(false);
  });
});

describe('externalUrlToOpen', () => {
  it('passes http and https links on, normalized', () => {
    expect(externalUrlToOpen('https://example.com/docs')).toBe('https://example.com/docs');
    expect(externalUrlToOpen('HTTP://Example.COM')).toBe('http://example.com/');
  });

  it('refuses every other scheme, credentials and garbage', () => {
    const refused = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id',
      'vbscript:msgbox',
      'data:text/html,hi',
      'https://user:secret@example.com/',
      'http://',
      'example.com',
      '',
    ];
    for (const url of refused) expect(externalUrlToOpen(url), url).toBeNull();
  });
});

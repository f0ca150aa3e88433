import { isAppUrl, type RendererTarget } from './trusted-url';

// Which web permissions the renderer gets. Everything is denied except writing text to the
// clipboard from the app's own page: the UI has "copiar" buttons (an API key is shown only once),
// and navigator.clipboard.writeText needs 'clipboard-sanitized-write'. Reading the clipboard,
// notifications, media, devices, geolocation… are never granted. Pure module: no `electron`.

const GRANTED_TO_APP_PAGE: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(
  permission: string,
  request: { requestingUrl?: string | undefined; isMainFrame: boolean },
  target: RendererTarget,
): boolean {
  if (!GRANTED_TO_APP_PAGE.has(permission)) return false;
  if (!request.isMainFrame || request.requestingUrl === undefined) return false;
  return isAppUrl(request.requestingUrl, target);
}

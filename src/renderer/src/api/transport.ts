import type { GsihTransport } from '../../../shared/contract';
import {
  BRIDGE_TOKEN_PARAM,
  createBridgeFiles,
  createBridgeTransport,
  type BridgeFiles,
} from '../../../shared/bridge-protocol';

const TOKEN_STORAGE_KEY = 'gsih.bridgeToken';

export type TransportChoice =
  | { kind: 'electron'; transport: GsihTransport }
  | { kind: 'bridge'; transport: GsihTransport; files: BridgeFiles }
  | { kind: 'missing-token' };

/**
 * Inside Electron the preload exposes `window.gsih`. In a browser (gsih serve) the token comes
 * in the URL fragment, which is never sent over the network; it is kept in sessionStorage so a
 * reload keeps working, and removed from the address bar so it is not copied or bookmarked.
 */
export function chooseTransport(): TransportChoice {
  if (window.gsih) return { kind: 'electron', transport: window.gsih };

  const token = takeTokenFromHash() ?? sessionStorage.getItem(TOKEN_STORAGE_KEY);
  if (!token) return { kind: 'missing-token' };
  return {
    kind: 'bridge',
    transport: createBridgeTransport({ baseUrl: location.origin, token }),
    // The CSV import's upload and download: what the desktop app does with its dialogs.
    files: createBridgeFiles({ baseUrl: location.origin, token }),
  };
}

/** Drops a token the service refused, so the next load asks for the right address. */
export function forgetBridgeToken(): void {
  sessionStorage.removeItem(TOKEN_STORAGE_KEY);
}

function takeTokenFromHash(): string | null {
  const fragment = location.hash.replace(/^#/, '');
  if (!fragment) return null;
  const token = new URLSearchParams(fragment).get(BRIDGE_TOKEN_PARAM);
  if (!token) return null;
  sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return token;
}

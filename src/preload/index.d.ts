import type { GsihTransport } from '../shared/contract';

declare global {
  interface Window {
    /** Present only inside the desktop app; the browser UI (gsih serve) uses the bridge. */
    gsih?: GsihTransport;
  }
}

export {};

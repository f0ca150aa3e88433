import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api';

// Runs sandboxed with context isolation: the page sees only `window.gsih` (a GsihTransport).
contextBridge.exposeInMainWorld('gsih', createPreloadApi(ipcRenderer));

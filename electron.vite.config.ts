import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// conf and electron-store are ESM-only while the main bundle is CommonJS, so they are bundled
// into it instead of being required at run time.
const bundledEsmDeps = ['conf', 'electron-store'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: bundledEsmDeps },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli.ts'),
          // The CSV import's worker thread: its own file beside the entries, found at run time
          // as join(__dirname, 'import-worker.js') by the entry that starts the core.
          'import-worker': resolve(__dirname, 'src/main/imports/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but electron: its dependencies (zod, via the
      // shared contract) are bundled in.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      // Served from the local disk or loopback, never over a slow network: one ~1 MB bundle
      // loads faster than the requests code-splitting would add.
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});

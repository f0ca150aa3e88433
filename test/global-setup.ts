import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Process-level tests run the built `gsih` (out/main/cli.js); build it from the current source
// so they never test a stale bundle.
export default function setup(): void {
  const root = join(__dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

#!/usr/bin/env node
// `npm start`: builds the app, then opens the desktop app if an Electron binary is available, or
// runs the same core headless (`gsih serve`) when it is not. Arguments after `--` go to either
// (`npm start -- --data-dir X`).
//
// better-sqlite3 in node_modules is built for Node, and the tests need it that way. For Electron
// a second copy is built for Electron's ABI under .electron-native/ and handed to the core as
// GSIH_SQLITE_BINDING (better-sqlite3's `nativeBinding` option); node_modules is never touched.
//
// The exported functions are the decisions, tested in test/unit/electron/start-script.test.ts;
// main() only runs when this file is executed.

import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL_TIMEOUT_MS = 60_000;
const PREBUILD_TIMEOUT_MS = 120_000;
const COMPILE_TIMEOUT_MS = 600_000;
const SIGNAL_REPEAT_WINDOW_MS = 1_000;

/**
 * The Electron executable the `electron` package points at, or null when it is not on disk.
 * Mirrors node_modules/electron/index.js without its side effect (it downloads when missing).
 */
export function electronBinaryPath(
  electronDir,
  { exists = existsSync, readFile = readFileSync, env = process.env } = {},
) {
  const pathFile = join(electronDir, 'path.txt');
  if (!exists(pathFile)) return null;
  const relative = String(readFile(pathFile, 'utf8')).trim();
  if (relative === '') return null;
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    : join(electronDir, 'dist', relative);
  return exists(binary) ? binary : null;
}

/**
 * Where the Electron-ABI build of better-sqlite3 goes: one folder per Electron version and ABI,
 * platform and better-sqlite3 version, so an upgrade of either never reuses a stale binary.
 */
export function electronSqliteBindingPath(
  root,
  { electronVersion, abi, sqliteVersion, platform = process.platform, arch = process.arch },
) {
  return join(
    root,
    '.electron-native',
    `electron-v${electronVersion}-abi${abi}-${platform}-${arch}-better-sqlite3-${sqliteVersion}`,
    'better_sqlite3.node',
  );
}

/** The headless command line: `node bin/gsih.cjs serve <forwarded args>`. */
export function headlessCommand(root, forwardedArgs, nodePath = process.execPath) {
  return { command: nodePath, args: [join(root, 'bin', 'gsih.cjs'), 'serve', ...forwardedArgs] };
}

/** The desktop command line: Electron on the project folder (package.json "main": out/main). */
export function desktopCommand(root, electronBinary, forwardedArgs) {
  return { command: electronBinary, args: [root, ...forwardedArgs] };
}

/** The environment for the Electron child: the Electron binding, and never run-as-node. */
export function desktopEnv(env, sqliteBinding) {
  const next = { ...env, GSIH_SQLITE_BINDING: sqliteBinding };
  delete next.ELECTRON_RUN_AS_NODE;
  return next;
}

/**
 * Forwards SIGINT/SIGTERM to the child once per burst: under `npm start`, Ctrl+C reaches this
 * process both from the terminal and from npm, and a second SIGINT would cut the child's clean
 * shutdown short. A signal repeated after the window is forwarded again (the user insists).
 */
export function createSignalForwarder(
  child,
  { now = Date.now, windowMs = SIGNAL_REPEAT_WINDOW_MS } = {},
) {
  const last = new Map();
  return (signal) => {
    const at = now();
    const previous = last.get(signal);
    if (previous !== undefined && at - previous < windowMs) return false;
    last.set(signal, at);
    if (child.exitCode !== null || child.signalCode !== null) return false;
    child.kill(signal);
    return true;
  };
}

/** This process's exit code for a child that ended with `code` or was killed by `signal`. */
export function exitCodeFor(code, signal) {
  if (typeof code === 'number') return code;
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal ? 128 + (numbers[signal] ?? 0) : 1;
}

function run(command, args, { timeoutMs, cwd = ROOT, quiet = false, env = process.env } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: quiet ? 'pipe' : 'inherit',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  });
  return { ok: result.status === 0 && !result.error, result };
}

function build() {
  const { ok } = run(process.execPath, [
    join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ]);
  if (!ok) {
    process.stderr.write('npm start: la compilación (electron-vite build) ha fallado.\n');
    process.exit(1);
  }
}

function findElectron() {
  const electronDir = join(ROOT, 'node_modules', 'electron');
  const found = electronBinaryPath(electronDir);
  if (found) return found;
  // Electron 45 downloads its binary on first use; one attempt, bounded, output kept quiet.
  run(process.execPath, [join(electronDir, 'install.js')], {
    timeoutMs: INSTALL_TIMEOUT_MS,
    quiet: true,
  });
  return electronBinaryPath(electronDir);
}

/** Builds better-sqlite3 for Electron in a copy of its sources; returns the binding or null. */
function ensureElectronSqlite() {
  const electronDir = join(ROOT, 'node_modules', 'electron');
  const sources = join(ROOT, 'node_modules', 'better-sqlite3');
  const versionOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const electronVersion = versionOf(electronDir);
  const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  const sqliteVersion = versionOf(sources);
  const binding = electronSqliteBindingPath(ROOT, { electronVersion, abi, sqliteVersion });
  if (existsSync(binding)) return binding;

  const nodeBuild = join(sources, 'build');
  const work = join(dirname(binding), 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(binding), { recursive: true });
  cpSync(sources, work, {
    recursive: true,
    // The Node build stays where it is; the copy starts without one.
    filter: (source) => source !== nodeBuild && !source.startsWith(nodeBuild + sep),
  });
  process.stdout.write(`npm start: preparando better-sqlite3 para Electron ${electronVersion}…\n`);
  const target = ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch];
  const prebuilt = run(
    process.execPath,
    [join(ROOT, 'node_modules', 'prebuild-install', 'bin.js'), ...target],
    { cwd: work, timeoutMs: PREBUILD_TIMEOUT_MS, quiet: true },
  );
  const nodeGyp = process.env.npm_config_node_gyp ?? npmBundledNodeGyp();
  const compiled =
    prebuilt.ok ||
    (nodeGyp !== undefined &&
      run(
        process.execPath,
        [
          nodeGyp,
          'rebuild',
          '--release',
          '--runtime=electron',
          `--target=${electronVersion}`,
          '--dist-url=https://electronjs.org/headers',
        ],
        { cwd: work, timeoutMs: COMPILE_TIMEOUT_MS, quiet: true },
      ).ok);
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!compiled || !existsSync(built)) {
    rmSync(work, { recursive: true, force: true });
    return null;
  }
  copyFileSync(built, `${binding}.tmp`);
  renameSync(`${binding}.tmp`, binding);
  rmSync(work, { recursive: true, force: true });
  return binding;
}

function npmBundledNodeGyp() {
  const candidate = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  return existsSync(candidate) ? candidate : undefined;
}

function launch({ command, args }, env) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: 'inherit',
    // Own process group on POSIX, so Ctrl+C reaches the child only through the forwarder.
    detached: process.platform !== 'win32',
  });
  const forward = createSignalForwarder(child);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`npm start: no se pudo ejecutar ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(exitCodeFor(code, signal)));
}

function main(forwardedArgs) {
  build();
  const electronBinary = findElectron();
  if (electronBinary) {
    const binding = ensureElectronSqlite();
    if (binding) {
      launch(desktopCommand(ROOT, electronBinary, forwardedArgs), desktopEnv(process.env, binding));
      return;
    }
    process.stdout.write(
      'npm start: no se pudo compilar better-sqlite3 para Electron; se ejecuta sin ventana (gsih serve).\n',
    );
  } else {
    process.stdout.write(
      'npm start: el binario de Electron no está disponible en esta máquina; se ejecuta sin ventana (gsih serve).\n',
    );
  }
  launch(headlessCommand(ROOT, forwardedArgs), process.env);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2));
}

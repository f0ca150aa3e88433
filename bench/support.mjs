// Helpers shared by the benchmarks: child processes, their CPU time and their CPU profiles.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** CPU seconds (user + system) a process has used so far, from /proc; null elsewhere. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function run(command, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${basename(argv[0])} ${argv[1]}: ${err}`)),
    );
  });
}

export function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Self time of a server by package / file and by function, from its .cpuprofile in `dir`. */
export function printProfile(
  title,
  dir,
  { areas = 15, functions = Number(process.env.BENCH_PROFILE_FUNCTIONS ?? 25) } = {},
) {
  const file = existsSync(dir) && readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log(`(no CPU profile was written for ${title})`);
  if (process.env.BENCH_PROFILE_KEEP) copyFileSync(join(dir, file), process.env.BENCH_PROFILE_KEEP);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i]));
  let total = 0;
  const byArea = new Map();
  const byFunction = new Map();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === '(idle)') continue;
    total += micros;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    const fn = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([label, micros]) => ({
        name: label,
        'self ms': Math.round(micros / 1000),
        share: `${((micros / total) * 100).toFixed(1)} %`,
      }));
  console.log(`\n${title} CPU profile (${Math.round(total / 1000)} ms busy, self time):`);
  console.table(top(byArea, areas));
  console.table(top(byFunction, functions));
}

function areaOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/out/main/')) return `gsih ${basename(url)}`;
  return basename(url);
}

export function failWith(prefix) {
  return (message) => {
    console.error(`${prefix}: ${message}`);
    process.exit(1);
  };
}

/**
 * Starts the built `gsih serve` on a temp data dir (API on 127.0.0.1, a free port, no UI),
 * optionally under `node --cpu-prof`. `ready` resolves to the API's base URL once it prints it.
 */
export function startServe(gsih, dataDir, { profileDir = null, timeoutMs = 30_000 } = {}) {
  const node = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...node,
      gsih,
      'serve',
      '--data-dir',
      dataDir,
      '--api-host',
      '127.0.0.1',
      '--api-port',
      '0',
      '--no-ui',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gsih serve exited (${code}): ${output}`)));
    setTimeout(
      () => reject(new Error(`gsih serve did not print its API line in ${timeoutMs / 1000} s`)),
      timeoutMs,
    ).unref();
  });
  return { child, ready };
}

/** Runs a child to its end, sampling its peak RSS and CPU time from /proc. */
export function measured(command, argv, { input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let rssKb = 0;
    let cpu = null;
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rssKb = Math.max(rssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        cpu = processCpuSeconds(child.pid) ?? cpu;
      } catch {
        // The process has just exited: keep the last sample.
      }
    };
    const timer = setInterval(sample, 20);
    if (input) child.stdin.end(input);
    child.once('exit', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      resolve({ code, out, err, seconds, rssMb: Math.round(rssKb / 1024), cpu });
    });
    child.once('error', reject);
  });
}

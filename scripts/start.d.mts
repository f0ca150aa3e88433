// Types of the decisions scripts/start.mjs exports, for its tests.
import type { ChildProcess } from 'node:child_process';

export interface FsProbe {
  exists?: (path: string) => boolean;
  readFile?: (path: string, encoding: 'utf8') => string;
  env?: Record<string, string | undefined>;
}

export function electronBinaryPath(electronDir: string, probe?: FsProbe): string | null;

export function electronSqliteBindingPath(
  root: string,
  target: {
    electronVersion: string;
    abi: string;
    sqliteVersion: string;
    platform?: string;
    arch?: string;
  },
): string;

export interface Command {
  command: string;
  args: string[];
}

export function headlessCommand(root: string, forwardedArgs: string[], nodePath?: string): Command;
export function desktopCommand(
  root: string,
  electronBinary: string,
  forwardedArgs: string[],
): Command;
export function desktopEnv(
  env: Record<string, string | undefined>,
  sqliteBinding: string,
): Record<string, string | undefined>;

export type ChildLike = Pick<ChildProcess, 'exitCode' | 'signalCode' | 'kill'>;
export function createSignalForwarder(
  child: ChildLike,
  options?: { now?: () => number; windowMs?: number },
): (signal: NodeJS.Signals) => boolean;

export function exitCodeFor(code: number | null, signal: NodeJS.Signals | null): number;

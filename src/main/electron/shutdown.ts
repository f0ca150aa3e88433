import type { Logger } from '../logger';

// The desktop app's orderly exit: each step runs once, in order, even when an earlier one
// failed (the serve lock is released even if the core could not flush), and a step that hangs
// cannot keep the app from quitting forever. Pure module: no `electron` import.

export interface ShutdownStep {
  name: string;
  run: () => unknown;
}

export interface ShutdownOptions {
  log: Logger;
  /** Time allowed for each step before the next one starts. */
  stepTimeoutMs?: number;
}

/** Returns a function that runs the steps the first time it is called; later calls share it. */
export function createShutdown(
  steps: () => readonly ShutdownStep[],
  { log, stepTimeoutMs = 10_000 }: ShutdownOptions,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= (async () => {
      for (const step of steps()) {
        try {
          await withTimeout(Promise.resolve().then(step.run), stepTimeoutMs, step.name);
        } catch (error) {
          log.error(`shutdown step "${step.name}" failed`, error);
        }
      }
    })();
    return running;
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" did not finish in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { redactText } from './logs/redact';

// The application's own diagnostic log (not the integration log): stderr, one line per entry.

export interface Logger {
  info(message: string): void;
  warn(message: string, cause?: unknown): void;
  error(message: string, cause?: unknown): void;
}

export function createConsoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string, cause?: unknown) => {
    const suffix = cause === undefined ? '' : ` — ${describeCause(cause)}`;
    stream.write(`${new Date().toISOString()} ${level} ${message}${suffix}\n`);
  };
  return {
    info: (m) => write('INFO', m),
    warn: (m, c) => write('WARN', m, c),
    error: (m, c) => write('ERROR', m, c),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

// The cause's kind, code and message are enough to diagnose from; a stack trace is not written,
// and credentials quoted inside a message are masked.
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = cause.cause === undefined ? '' : ` ← ${describeCause(cause.cause)}`;
    return `${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${redactText(cause.message)}${inner}`;
  }
  return redactText(String(cause));
}

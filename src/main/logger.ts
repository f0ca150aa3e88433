// The application's own diagnostic log (not the integration log): stderr, one line per entry,
// with the cause of an error but never the values it carried.

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

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const stack = cause.stack?.split('\n').slice(0, 4).join(' | ');
    return `${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${cause.message}${
      stack ? ` (${stack})` : ''
    }`;
  }
  return String(cause);
}

import type { RendererTarget } from './trusted-url';

// The Content-Security-Policy the shell puts on the renderer's responses, on top of the meta
// tag in src/renderer/index.html (a page enforces both). Pure module: no `electron` import.

const PRODUCTION_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  // Mantine writes its CSS variables into <style> elements at run time.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  // The desktop renderer talks to the core over IPC only.
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The policy for the given renderer: in dev, Vite's HMR socket and React Refresh's inline preamble. */
export function contentSecurityPolicy(target: RendererTarget): string {
  const directives = structuredClone(PRODUCTION_DIRECTIVES);
  if (target.kind === 'dev') {
    const dev = new URL(target.url);
    const socket = `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`;
    directives['script-src'] = ["'self'", "'unsafe-inline'"];
    directives['connect-src'] = ["'self'", socket];
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export type ResponseHeaders = Record<string, string[] | string>;

/** The response headers with the app's policy in place of any policy the response carried. */
export function withContentSecurityPolicy(
  headers: ResponseHeaders | undefined,
  policy: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') {
      continue;
    }
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}

import type { Dispatcher } from 'undici';
import { redactText } from '../logs/redact';

/** What one POST to a receiver came to. */
export interface PostResult {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  /** The first `previewBytes` of the answer, redacted. */
  body: string | null;
  /** Set when no answer came: refused, reset, timed out. */
  error: unknown;
  durationMs: number;
}

interface Target {
  origin: string;
  path: string;
}

// Endpoints are few and their URLs fixed: parsing each once keeps URL parsing off the hot path.
const targets = new Map<string, Target>();
const MAX_TARGETS = 10_000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** Thrown into a request that outlived its deadline; `describe` in the dispatcher names it. */
class PostTimeout extends Error {
  override name = 'TimeoutError';
}

/**
 * One POST through undici's dispatch API, with a deadline over the whole exchange (connecting,
 * sending, the answer's headers and body) and only the first `previewBytes` of the answer kept.
 * Redirects are not followed (dispatch never does). Resolves, never rejects.
 *
 * `request()` with an `AbortSignal.timeout` would do the same; at thousands of deliveries a
 * second its per-request stream, signal and timer objects were a tenth of the dispatcher's CPU.
 */
export function post(
  http: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, previewBytes }: { timeoutMs: number; previewBytes: number },
): Promise<PostResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let timedOut = false;
    let status: number | null = null;
    let responseHeaders: PostResult['headers'] = {};
    let chunks: Buffer[] = [];
    let size = 0;

    const settle = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const preview =
        status === null
          ? null
          : redactText(
              (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
                .subarray(0, previewBytes)
                .toString('utf8'),
            );
      chunks = [];
      resolve({
        status: error === null ? status : null,
        headers: responseHeaders,
        body: error === null ? preview : null,
        error,
        durationMs: Math.round(performance.now() - started),
      });
    };

    const timer = setTimeout(() => {
      timedOut = true;
      const error = new PostTimeout(`no answer in ${timeoutMs} ms`);
      // Not yet on a socket (still connecting): it is stopped when it gets one.
      controller?.abort(error);
      settle(error);
    }, timeoutMs);

    let target: Target;
    try {
      target = targetOf(url);
    } catch (error) {
      settle(error);
      return;
    }
    http.dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers, body },
      {
        onRequestStart(started) {
          controller = started;
          if (timedOut) started.abort(new PostTimeout('timed out before it was sent'));
        },
        onResponseStart(_controller, statusCode, answerHeaders) {
          // 1xx answers come before the final one.
          if (statusCode < 200) return;
          status = statusCode;
          responseHeaders = answerHeaders;
        },
        onResponseData(started, chunk) {
          if (settled) return;
          chunks.push(chunk);
          size += chunk.length;
          // Enough for the history: the rest of a long answer is not read.
          if (size >= previewBytes) {
            settle(null);
            started.abort(new Error('preview complete'));
          }
        },
        onResponseEnd() {
          settle(null);
        },
        onResponseError(_controller, error) {
          settle(error);
        },
      },
    );
  });
}

/** The web layer's errors and its one error handler (HTML page, or a JSON error object for JSON routes). */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Renderer } from './render.js';

/** An error with the HTTP status to answer with; its message is shown to the client. */
export class HttpError extends Error {
  /** HTTP status code (4xx or 5xx). */
  readonly status: number;
  /** Extra response headers (e.g. WWW-Authenticate). */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message.startsWith('web: ') ? message : `web: ${message}`);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/** True for requests answered in JSON: the API and the health check. */
export function isJsonPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/healthz';
}

/** The last middleware: every request that no route answered is a 404. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no page at ${req.path}`));
};

/** Minimal logger interface used for unexpected errors. */
export interface ErrorLog {
  error(obj: object, msg: string): void;
}

interface StatusLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
}

/**
 * Names the modules put in front of their error messages ("web: ", "store: ", "sources: "): useful in logs, noise
 * to a reader, so they are taken off what a client sees.
 */
const MODULE_PREFIX = /^(?:(?:web|store|sources|discovery|differ|export|import|extractor|fetcher|scheduler|tracker|versioner|config|worker|serve|regex|metrics|cli): )+/;

/** An error message as shown to a client: without the internal module prefixes, never empty. */
export function publicMessage(message: string): string {
  const m = message.replace(MODULE_PREFIX, '');
  return m === '' ? 'error' : m.charAt(0).toUpperCase() + m.slice(1);
}

/** Maps any thrown value to a status and a client-safe message naming the module (as logged; see publicMessage). */
export function describeError(err: unknown): { status: number; message: string; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  const e = (typeof err === 'object' && err !== null ? err : {}) as StatusLike;
  const raw = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  const status = raw >= 400 && raw < 600 ? raw : 500;
  if (status < 500 && e.expose !== false) {
    // body-parser / express errors (bad JSON, body too large, bad encoding): client errors with a safe message.
    const what = e.type === 'entity.parse.failed' ? 'the request body is not valid JSON'
      : e.type === 'entity.too.large' ? 'the request body is too large'
        : typeof e.message === 'string' ? e.message : 'bad request';
    return { status, message: `web: ${what}`, headers: {} };
  }
  return { status, message: 'web: internal error', headers: {} };
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Not authorised', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed',
  413: 'Too large', 415: 'Unsupported media type', 500: 'Internal error', 503: 'Unavailable',
};

/** The one error handler of the app. */
export function errorHandler(render: Renderer, log: ErrorLog): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const { status, message, headers } = describeError(err);
    if (status >= 500) log.error({ err, path: req.path }, 'web: request failed');
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(status);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.removeHeader('ETag');
    res.removeHeader('Last-Modified');
    res.setHeader('Cache-Control', 'no-store');
    // The module prefix stays in the log line above and in describeError; the client gets the plain sentence.
    const shown = publicMessage(message);
    if (isJsonPath(req.path)) {
      res.json({ error: { status, message: shown } });
      return;
    }
    res.type('html').send(render('error.njk', { status, title: TITLES[status] ?? 'Error', message: shown }));
  };
}

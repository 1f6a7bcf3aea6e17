// The node's REST API, same origin. Every failure becomes an ApiError whose kind says what a
// person should be told: the network is down, the node was too slow, or it answered a problem.

import { t } from './i18n.js';

const TIMEOUT_MS = 15000;

export class ApiError extends Error {
  /**
   * @param {'network'|'timeout'|'http'|'format'} kind
   * @param {number} status HTTP status (0 when there was no answer)
   * @param {object|null} problem the RFC 9457 body, when the node sent one
   */
  constructor(kind, status, problem) {
    super(problem && problem.detail ? problem.detail : kind);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.problem = problem;
  }
}

async function request(method, path, { body, signal, timeout = TIMEOUT_MS, raw = false } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), timeout);
  const onAbort = () => controller.abort(signal.reason);
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : {
        Accept: 'application/json', 'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (signal && signal.aborted) throw err;
    if (controller.signal.aborted) throw new ApiError('timeout', 0, null);
    throw new ApiError('network', 0, null);
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
    throw new ApiError('http', response.status, problem);
  }
  if (raw) return response;
  try {
    return await response.json();
  } catch {
    throw new ApiError('format', response.status, null);
  }
}

export function get(path, options) {
  return request('GET', path, options);
}

export function post(path, body, options) {
  return request('POST', path, { ...options, body });
}

export function isNotFound(err) {
  return err instanceof ApiError && err.kind === 'http' && err.status === 404;
}

/** What to tell a person about a failed request, in the current language. */
export function describeError(err) {
  if (!(err instanceof ApiError)) return { message: t('error.unexpected'), detail: '' };
  const detail = err.problem && err.problem.detail ? String(err.problem.detail) : '';
  switch (err.kind) {
    case 'network':
      return { message: t('error.network'), detail: '' };
    case 'timeout':
      return { message: t('error.timeout'), detail: '' };
    case 'format':
      return { message: t('error.format'), detail: '' };
    default:
      break;
  }
  if (err.status === 404) return { message: t('error.notFound'), detail };
  if (err.status === 400 || err.status === 422) return { message: t('error.badInput'), detail };
  if (err.status === 413) return { message: t('error.tooLarge'), detail };
  if (err.status === 409) return { message: t('error.notYet'), detail };
  if (err.status === 503) return { message: t('error.unavailable'), detail };
  return { message: t('error.server'), detail };
}

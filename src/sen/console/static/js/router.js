// Hash routing: #/block/12, #/tx/ab.., #/verify, #/stats?from=..&to=..
// Each view gets a context whose signal aborts its requests and timers when the page changes.

import { add, clear, h } from './dom.js';
import { t } from './i18n.js';
import { errorBox } from './ui.js';

const routes = [];
let current = null;
let rendered = 0;

/** Register a view: pattern like '/block/:height'. */
export function route(pattern, view, navKey) {
  const names = [];
  const regex = new RegExp(
    `^${pattern.replace(/:([a-z]+)/g, (_, name) => { names.push(name); return '([^/]+)'; })}$`,
  );
  routes.push({ regex, names, view, navKey });
}

export function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, queryText = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(queryText) };
}

export function go(path) {
  window.location.hash = `#${path}`;
}

function markNav(navKey) {
  document.querySelectorAll('#site-nav a').forEach((a) => {
    const key = (a.getAttribute('data-i18n') || '').replace('nav.', '');
    if (key === navKey) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

export async function render({ focus = true } = {}) {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  const main = document.getElementById('main');
  const { path, query } = parseHash();
  let match = null;
  let found = null;
  for (const candidate of routes) {
    match = candidate.regex.exec(path);
    if (match) {
      found = candidate;
      break;
    }
  }
  const timers = [];
  const ctx = {
    main,
    query,
    params: {},
    signal: controller.signal,
    /** Run fn now and every ms until the page changes. */
    every(ms, fn) {
      const tick = async () => {
        if (controller.signal.aborted) return;
        try {
          await fn();
        } catch (err) {
          if (!controller.signal.aborted) console.warn('refresh failed', err);
        }
        if (!controller.signal.aborted) timers.push(setTimeout(tick, ms));
      };
      timers.push(setTimeout(tick, ms));
    },
    get active() {
      return !controller.signal.aborted;
    },
  };
  controller.signal.addEventListener('abort', () => timers.forEach(clearTimeout));
  clear(main);
  rendered += 1;
  if (!found) {
    markNav(null);
    document.title = `${t('notFound.title')} — Sen`;
    add(main, h('h1', { id: 'page-title' }, t('notFound.title')),
      h('p', {}, t('notFound.text')), h('p', {}, h('a', { href: '#/' }, t('nav.home'))));
    return;
  }
  found.names.forEach((name, i) => { ctx.params[name] = decodeURIComponent(match[i + 1]); });
  markNav(found.navKey);
  try {
    await found.view(ctx);
  } catch (err) {
    if (controller.signal.aborted) return;
    console.error(err);
    clear(main);
    add(main, errorBox(err));
  }
  if (controller.signal.aborted) return;
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} — Sen` : 'Sen';
  if (focus && rendered > 1) main.focus({ preventScroll: false });
}

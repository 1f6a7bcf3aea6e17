// The consumer page a product's QR code opens (trace.html), served by an EPCIS repository at
// the product's GS1 Digital Link (/01/<GTIN>/10/<lot>...). It reads the journey of its own
// address (GET /trace/v1/view/<key>) and shows the product, its certificates, its origin, the
// warnings, and the journey with each event's proof. While an event waits for its proof, the
// page asks again.

import { get, ApiError } from '../api.js';
import { add, h, replace } from '../dom.js';
import { setLang, t, num, translateStatic, onLanguageChange, missingKeys } from '../i18n.js';
import { errorBox, notice } from '../ui.js';
import { certificatesSection } from './certificates.js';
import { keyPath } from './gs1.js';
import { keyText, originCard, productCard, productName } from './product.js';
import { signalsSection } from './signals.js';
import { proofStatus, timeline, timelineItems } from './timeline.js';

const PENDING_MS = 4000;

// Kept across language switches: the page is redrawn from it without asking again.
const state = { view: null, error: null, timer: null };

window.senConsole = { missingKeys, version: 1 };

function qrCard(view) {
  const address = `${window.location.origin}/${keyPath(view.key)}`;
  const qr = `/trace/v1/qr/${keyPath(view.key)}`;
  return h('section', { class: 'card qr', 'aria-labelledby': 'qr-title', id: 'qr' },
    h('h2', { id: 'qr-title' }, t('trace.qr.title')),
    h('img', { src: `${qr}.svg`, alt: t('trace.qr.alt', { url: address }), width: '200', height: '200', class: 'qr-image' }),
    h('p', { class: 'hash' }, address),
    h('p', { class: 'qr-links' },
      h('a', { href: `${qr}.svg`, class: 'button secondary', id: 'qr-print', target: '_blank' }, t('trace.qr.print')), ' ',
      h('a', { href: `${qr}.png`, class: 'button secondary', download: `qr-${view.key.replace(/\//g, '-')}.png` }, t('trace.qr.png'))));
}

/** One line on the proofs of the whole journey (its events and their corrections), above it. */
function proofSummary(items) {
  const statuses = items.flatMap((item) => [item.entry, ...item.declarations]).map((e) => (e.proof ? e.proof.status : 'unknown'));
  const count = num(items.length);
  let box;
  if (statuses.includes('failed')) box = notice('bad', null, h('p', {}, t('trace.summary.failed')));
  else if (statuses.every((s) => s === 'verified')) {
    box = notice('ok', null, h('p', {}, t('trace.summary.verified', { count, chain: items[0].entry.proof.chain })));
  } else {
    const verified = items.filter((item) => item.entry.proof && item.entry.proof.status === 'verified').length;
    box = notice('info', null, h('p', {}, t('trace.summary.partly', { verified: num(verified), count })));
  }
  box.id = 'proof-summary';
  return box;
}

function paint() {
  const main = document.getElementById('main');
  if (state.error) {
    const unknownKey = state.error instanceof ApiError && state.error.status === 404;
    document.title = `${t('trace.title')} — Sen`;
    replace(main, h('h1', { id: 'page-title' }, t('trace.title')),
      unknownKey ? notice('warn', t('trace.badKeyTitle'), h('p', {}, t('trace.badKeyText'))) : errorBox(state.error));
    return;
  }
  const { view } = state;
  if (!view) return;
  const items = timelineItems(view);
  const name = productName(view) || t('trace.unnamed');
  document.title = `${name} — ${t('trace.title')}`;
  replace(main, h('h1', { id: 'page-title' }, name), h('p', { class: 'lead', id: 'product-key' }, keyText(view.key)));
  if (items.length === 0) {
    add(main, notice('info', t('trace.nothingTitle'), h('p', {}, t('trace.nothingText'))), productCard(view),
      certificatesSection(view), qrCard(view));
    return;
  }
  add(main, signalsSection(view, items), proofSummary(items), productCard(view), certificatesSection(view),
    originCard(view), timeline(view, items), qrCard(view));
}

function pending(view) {
  return view.events.some((e) => e.proof && e.proof.status === 'pending');
}

/** Only the proofs change while the page waits: they are replaced in place (focus stays). */
function paintProofs() {
  const items = timelineItems(state.view);
  items.forEach((item) => {
    const box = document.getElementById(`proof-${item.number}`);
    if (box) replace(box, proofStatus(item.entry.proof));
  });
  const summary = document.getElementById('proof-summary');
  if (summary) summary.replaceWith(proofSummary(items));
}

async function load() {
  return get(`/trace/v1/view${window.location.pathname}`, { timeout: 30000 });
}

function waitForProofs() {
  clearTimeout(state.timer);
  if (!state.view || !pending(state.view)) return;
  state.timer = setTimeout(async () => {
    try {
      const view = await load();
      const sameEvents = view.events.length === state.view.events.length;
      state.view = view;
      if (sameEvents) paintProofs();
      else paint();
    } catch (err) {
      console.warn('the proofs could not be asked again', err);
    }
    waitForProofs();
  }, PENDING_MS);
}

function wireLanguage() {
  document.querySelectorAll('.lang-switch button').forEach((button) => {
    button.addEventListener('click', () => setLang(button.dataset.lang));
  });
  onLanguageChange(() => {
    translateStatic();
    paint();
  });
}

function wireSkipLink() {
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main.focus();
    main.scrollIntoView();
  });
}

function wireErrors() {
  window.addEventListener('error', (event) => console.error(event.error || event.message));
  window.addEventListener('unhandledrejection', (event) => console.error(event.reason));
}

async function start() {
  wireErrors();
  wireSkipLink();
  translateStatic();
  wireLanguage();
  document.getElementById('journey-data').href = `/trace/v1/view${window.location.pathname}`;
  try {
    state.view = await load();
  } catch (err) {
    state.error = err;
  }
  paint();
  waitForProofs();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

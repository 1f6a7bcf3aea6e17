// The console's entry point: language, routes, header (search, live chain status), errors.

import { get } from './api.js';
import { h, replace } from './dom.js';
import { limits } from './hashing.js';
import { lang, setLang, t, num, translateStatic, onLanguageChange, missingKeys } from './i18n.js';
import { parseHash, render, route } from './router.js';
import { nodeInfo } from './state.js';
import * as explorer from './views/explorer.js';
import * as network from './views/network.js';
import * as membership from './views/membership.js';
import * as governance from './views/governance.js';
import * as verify from './views/verify.js';
import * as credential from './views/credential.js';
import * as did from './views/did.js';
import * as stats from './views/stats.js';
import * as chains from './views/chains.js';
import * as contracts from './views/contracts.js';
import * as privacy from './views/privacy.js';

const STATUS_MS = 2000;

route('/', explorer.home, 'home');
route('/blocks', explorer.blocks, 'blocks');
route('/block/:height', explorer.block, 'blocks');
route('/txs', explorer.txs, 'txs');
route('/tx/:hash', explorer.tx, 'txs');
route('/account/:address', explorer.account, null);
route('/evidence/:algorithm/:digest', explorer.evidence, 'verify');
route('/search', explorer.search, null);
route('/verify', verify.page, 'verify');
route('/credential', credential.page, 'verify');
route('/credential/:id', credential.page, 'verify');
route('/did/:did', did.page, null);
route('/validators', network.validators, 'validators');
route('/validator/:address', network.validator, 'validators');
route('/network', network.node, 'network');
route('/orgs', membership.organisations, 'organisations');
route('/org/:id', membership.organisation, 'organisations');
route('/member/:address', membership.member, 'organisations');
route('/gov', governance.governance, 'governance');
route('/gov/:id', governance.proposal, 'governance');
// the first console's addresses, kept so bookmarks still open
route('/organisations', membership.organisations, 'organisations');
route('/organisation/:id', membership.organisation, 'organisations');
route('/governance', governance.governance, 'governance');
route('/stats', stats.page, 'stats');
route('/chains', chains.page, 'chains');
route('/contracts', contracts.page, 'contracts');
route('/contracts/code/:hash', contracts.code, 'contracts');
route('/contracts/:address', contracts.instance, 'contracts');
route('/privacy', privacy.landing, 'privacy');
route('/privacy/subject/:did', privacy.subject, 'privacy');
route('/privacy/controller/:did', privacy.controller, 'privacy');
route('/privacy/audit/:did', privacy.audit, 'privacy');

// For the browser tests and the curious: limits and the dictionary check, no secrets here.
window.senConsole = { limits, missingKeys, version: 1 };

function showBanner(text) {
  const banner = document.getElementById('banner');
  if (text) {
    banner.textContent = text;
    banner.hidden = false;
  } else {
    banner.hidden = true;
    banner.textContent = '';
  }
}

let lastStatus = null;
let offline = false;

function paintStatus() {
  const chip = document.getElementById('chain-chip');
  if (!lastStatus) return;
  chip.classList.toggle('offline', offline);
  replace(chip,
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    offline ? t('status.offline') : t('status.chip', { chain: lastStatus.chain_id, height: num(lastStatus.height) }));
  document.getElementById('footer-version').textContent = t('footer.version', { version: lastStatus.version, chain: lastStatus.chain_id });
}

async function pollStatus() {
  try {
    const status = await get('/v1/status', { timeout: 5000 });
    const changed = !lastStatus || lastStatus.height !== status.height;
    lastStatus = status;
    if (offline) showBanner('');
    offline = false;
    paintStatus();
    if (changed) document.dispatchEvent(new CustomEvent('sen:height', { detail: status }));
  } catch {
    offline = true;
    showBanner(t('error.networkRetry'));
    paintStatus();
  }
  setTimeout(pollStatus, STATUS_MS);
}

function wireLanguage() {
  document.querySelectorAll('.lang-switch button').forEach((button) => {
    button.addEventListener('click', () => setLang(button.dataset.lang));
  });
  onLanguageChange(() => {
    translateStatic();
    paintStatus();
    if (offline) showBanner(t('error.networkRetry'));
    render({ focus: false });
  });
}

function wireSearch() {
  const form = document.getElementById('search-form');
  const input = document.getElementById('search-input');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value.trim();
    const target = `#/search?q=${encodeURIComponent(q)}`;
    if (window.location.hash === target) render();
    else window.location.hash = target;
  });
  window.addEventListener('hashchange', () => {
    const { path, query } = parseHash();
    if (path === '/search') input.value = query.get('q') || '';
  });
}

function wireErrors() {
  // Whatever goes wrong, a person sees a sentence in their language, never a trace.
  window.addEventListener('error', (event) => {
    console.error(event.error || event.message);
    showBanner(t('error.unexpected'));
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (event.reason && event.reason.name === 'AbortError') return;
    console.error(event.reason);
    showBanner(t('error.unexpected'));
  });
}

function wireSkipLink() {
  // The hash is the route: the skip link moves focus without changing it.
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main.focus();
    main.scrollIntoView();
  });
}

function start() {
  wireErrors();
  wireSkipLink();
  translateStatic();
  wireLanguage();
  wireSearch();
  window.addEventListener('hashchange', () => render());
  nodeInfo().catch(() => null);
  pollStatus();
  render();
  document.documentElement.lang = lang();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

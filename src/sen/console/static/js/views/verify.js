// The public verification portal. A document is hashed in the browser and never uploaded; a
// receipt is checked by the node with the rules of `sen verify`; a credential by the VC-API
// (views/credential.js).

import { get, post, isNotFound } from '../api.js';
import { add, h, replace } from '../dom.js';
import { FileTooLarge, limits, sha256File } from '../hashing.js';
import { t, num, lang, bytes } from '../i18n.js';
import { anchoringList, receiptCommands } from '../receipts.js';
import { credentialPanel } from './credential.js';
import { pageHeader, facts, notice, errorBox, blockLink, txLink, accountLink, timeText, cli } from '../ui.js';

const TABS = ['document', 'receipt', 'credential'];

// Kept across re-renders (a language switch redraws the page from this, nothing is lost).
const state = {
  tab: 'document',
  doc: { phase: 'idle', name: '', size: 0, digest: '', progress: 0, anchorings: null, error: null },
  receipt: { phase: 'idle', name: '', documentName: '', result: null, error: null, parseError: '' },
};
let docRun = 0;

function setTab(name, focus) {
  state.tab = name;
  TABS.forEach((tab) => {
    const button = document.getElementById(`tab-${tab}`);
    const panel = document.getElementById(`panel-${tab}`);
    if (!button || !panel) return;
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    panel.hidden = !selected;
  });
  if (focus) document.getElementById(`tab-${name}`).focus();
}

function tabList() {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('verify.tabsLabel') },
    TABS.map((name) => h('button', {
      type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`,
      'aria-selected': 'false', tabindex: '-1',
    }, t(`verify.tab.${name}`))));
  list.addEventListener('click', (event) => {
    const button = event.target.closest('[role="tab"]');
    if (button) setTab(button.id.replace('tab-', ''), false);
  });
  list.addEventListener('keydown', (event) => {
    const index = TABS.indexOf(state.tab);
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    setTab(TABS[(index + moves[event.key] + TABS.length) % TABS.length], true);
  });
  return list;
}

/** A file input whose button and file name are in the page's language (the browser's own
 * "Choose File" text follows the browser's language, not the page's). */
function filePicker(inputId, buttonText, accept, onFile, describedBy) {
  const name = h('span', { class: 'file-name', id: `${inputId}-name` }, t('verify.noFile'));
  const input = h('input', {
    type: 'file', id: inputId, accept: accept || null, class: 'file-input',
    'aria-describedby': [describedBy, `${inputId}-name`].filter(Boolean).join(' '),
  });
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    name.textContent = file ? file.name : t('verify.noFile');
    if (file && onFile) onFile(file);
  });
  return h('div', { class: 'file-picker' }, input,
    h('label', { for: inputId, class: 'button secondary file-button' }, buttonText), name);
}

function dropZone(inputId, buttonText, accept, onFile) {
  const zone = h('div', { class: 'dropzone' },
    h('p', { class: 'drop-title' }, t('verify.dropHere')),
    filePicker(inputId, buttonText, accept, onFile, `${inputId}-hint`),
    h('p', { class: 'hint', id: `${inputId}-hint` }, t('verify.dropHint')));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (!file) return;
    const name = zone.querySelector('.file-name');
    if (name) name.textContent = file.name;
    const input = zone.querySelector('input[type="file"]');
    try {
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files; // so a receipt dropped here is the one checked
    } catch {
      // older browsers: the file is still used below
    }
    onFile(file);
  });
  return zone;
}

// -- document ----------------------------------------------------------------------------

async function checkDocument(file, signal) {
  docRun += 1;
  const run = docRun;
  state.doc = { phase: 'hashing', name: file.name, size: file.size, digest: '', progress: 0, anchorings: null, error: null };
  paintDocument(signal);
  try {
    const digest = await sha256File(file, {
      onProgress: (fraction) => {
        if (run !== docRun) return;
        state.doc.progress = fraction;
        const bar = document.getElementById('document-progress');
        if (bar) bar.value = fraction;
      },
    });
    if (run !== docRun) return;
    state.doc.digest = digest;
    state.doc.phase = 'looking';
    paintDocument(signal);
    try {
      const body = await get(`/v1/evidence/sha-256/${digest}`);
      state.doc.anchorings = body.anchorings;
      state.doc.phase = 'found';
    } catch (err) {
      if (!isNotFound(err)) throw err;
      state.doc.phase = 'unknown';
    }
  } catch (err) {
    if (run !== docRun) return;
    state.doc.phase = err instanceof FileTooLarge ? 'too-large' : 'error';
    state.doc.error = err;
  }
  if (run === docRun) paintDocument(signal);
}

function paintDocument(signal) {
  const box = document.getElementById('document-result');
  if (!box) return;
  const doc = state.doc;
  const about = doc.name ? h('p', {}, t('verify.fileLine', { name: doc.name, size: bytes(doc.size) })) : null;
  switch (doc.phase) {
    case 'idle':
      replace(box);
      return;
    case 'hashing':
      replace(box, about, h('label', { for: 'document-progress' }, t('verify.hashing')),
        h('progress', { id: 'document-progress', max: '1', value: String(doc.progress) }));
      return;
    case 'looking':
      replace(box, about, digestLine(doc.digest), h('p', { role: 'status' }, t('verify.looking')));
      return;
    case 'too-large':
      replace(box, notice('bad', t('verify.tooLargeTitle'),
        h('p', {}, t('verify.tooLargeText', { size: bytes(doc.size), limit: bytes(limits.documentBytes) })),
        cli(t('cli.lookupFile'), 'sen evidence lookup DOCUMENT')));
      return;
    case 'error':
      replace(box, about, doc.digest ? digestLine(doc.digest) : null, errorBox(doc.error));
      return;
    case 'unknown':
      replace(box, about, digestLine(doc.digest),
        notice('warn', t('verify.unknownTitle'), h('p', {}, t('verify.unknownText')), h('p', {}, t('verify.unknownReceiptHint'))));
      return;
    case 'found':
      replace(box, about, digestLine(doc.digest),
        notice('ok', t('verify.anchoredTitle', { count: num(doc.anchorings.length) }), h('p', {}, t('verify.anchoredText'))),
        anchoringList('sha-256', doc.digest, doc.anchorings, signal),
        ...receiptCommands('sha-256', doc.digest));
      return;
    default:
      replace(box);
  }
}

function digestLine(digest) {
  return h('p', {}, `${t('verify.digest')} (SHA-256): `, h('span', { class: 'hash', id: 'document-digest' }, digest));
}

function documentPanel(signal) {
  return h('section', { role: 'tabpanel', id: 'panel-document', 'aria-labelledby': 'tab-document', tabindex: '0' },
    h('h2', {}, t('verify.documentTitle')),
    h('p', {}, t('verify.documentLead')),
    dropZone('document-file', t('verify.chooseDocument'), '', (file) => checkDocument(file, signal)),
    h('div', { id: 'document-result', 'aria-live': 'polite' }));
}

// -- receipt -----------------------------------------------------------------------------

async function readReceipt(file) {
  if (file.size > limits.receiptBytes) {
    return { error: t('verify.receiptTooLarge', { size: bytes(file.size), limit: bytes(limits.receiptBytes) }) };
  }
  const text = await file.text();
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { error: t('verify.receiptNotObject') };
    }
    return { value };
  } catch (err) {
    return { error: t('verify.receiptNotJson'), detail: String(err.message || err) };
  }
}

async function checkReceipt(form) {
  const receiptFile = form.querySelector('#receipt-file').files[0];
  const documentFile = form.querySelector('#receipt-document').files[0];
  const r = state.receipt;
  if (!receiptFile) {
    state.receipt = { ...r, phase: 'missing', result: null, error: null, parseError: '' };
    paintReceipt();
    return;
  }
  state.receipt = { phase: 'checking', name: receiptFile.name, documentName: documentFile ? documentFile.name : '', result: null, error: null, parseError: '' };
  paintReceipt();
  const read = await readReceipt(receiptFile);
  if (read.error) {
    state.receipt.phase = 'unreadable';
    state.receipt.parseError = read.error;
    state.receipt.parseDetail = read.detail || '';
    paintReceipt();
    return;
  }
  try {
    let documentDigest;
    if (documentFile) documentDigest = await sha256File(documentFile);
    state.receipt.result = await post('/v1/receipts/verify', { receipt: read.value, document_digest: documentDigest });
    state.receipt.phase = 'done';
  } catch (err) {
    state.receipt.phase = err instanceof FileTooLarge ? 'unreadable' : 'error';
    state.receipt.error = err;
    if (err instanceof FileTooLarge) {
      state.receipt.parseError = t('verify.tooLargeText', { size: bytes(err.size), limit: bytes(err.limit) });
    }
  }
  paintReceipt();
}

function paintReceipt() {
  const box = document.getElementById('receipt-result');
  if (!box) return;
  const r = state.receipt;
  switch (r.phase) {
    case 'missing':
      replace(box, notice('warn', t('verify.receiptMissing')));
      return;
    case 'checking':
      replace(box, h('p', { role: 'status' }, t('verify.checking')));
      return;
    case 'unreadable':
      replace(box, notice('bad', t('verify.receiptUnreadableTitle'), h('p', {}, r.parseError),
        r.parseDetail ? h('p', { class: 'detail' }, `${t('error.detail')}: `, h('code', {}, r.parseDetail)) : null));
      return;
    case 'error':
      replace(box, errorBox(r.error));
      return;
    case 'done':
      replace(box, ...verificationReport(r.result, r.documentName));
      return;
    default:
      replace(box);
  }
}

function verificationReport(result, documentName) {
  const language = lang();
  const failed = result.checks.find((c) => !c.ok);
  const summary = result.valid
    ? notice('ok', t('verify.receiptValidTitle'), h('p', {}, t('verify.receiptValidText', { height: num(result.height), chain: result.chain_id })),
      h('p', {}, result.document_checked ? t('verify.documentMatches', { name: documentName }) : t('verify.documentNotChecked')))
    : notice('bad', t('verify.receiptInvalidTitle'), h('p', {}, failed
      ? t('verify.receiptInvalidText', { check: failed.label[language], why: failed.explanation[language] })
      : t('verify.receiptInvalidTitle')));
  const items = result.checks.map((c) => h('li', { class: c.ok ? 'ok' : 'bad', 'data-check': c.name },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
    h('span', {}, h('span', { class: 'check-name' }, c.label[language]), ': ',
      h('strong', {}, c.ok ? t('verify.pass') : t('verify.fail')), ' — ', c.explanation[language]),
    h('span', { class: 'check-detail' }, h('code', {}, c.detail))));
  const skipped = result.not_run.map((name) => h('li', { class: 'skipped', 'data-check': name },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, '–'),
    h('span', {}, h('span', { class: 'check-name' }, t(`check.${name}`)), ': ', t('verify.notRun'))));
  const details = result.chain_id ? h('div', { class: 'card' }, facts([
    [t('verify.chain'), result.chain_id],
    [t('evidence.digest'), result.digest ? h('span', { class: 'hash' }, result.digest) : null],
    [t('evidence.block'), result.height ? blockLink(result.height) : null],
    [t('evidence.time'), result.time ? timeText(result.time) : null],
    [t('evidence.tx'), result.tx_hash ? txLink(result.tx_hash) : null],
    [t('evidence.issuer'), result.sender ? accountLink(result.sender, true) : null],
    [t('evidence.organisation'), result.organisation || null],
    [t('evidence.docTitle'), result.title || null],
    [t('evidence.reference'), result.reference || null],
  ])) : null;
  return [summary, h('h3', {}, t('verify.checksTitle')), h('ol', { class: 'checks', id: 'receipt-checks' }, items, skipped), details,
    cli(t('cli.verifyOffline'), `sen verify ${receiptArg(state.receipt.name)}${documentName ? ` --file ${receiptArg(documentName)}` : ''} --genesis genesis.json`)];
}

function receiptArg(name) {
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : `'${name.replace(/'/g, "'\\''")}'`;
}

function receiptPanel() {
  const form = h('form', { id: 'receipt-form', novalidate: true },
    dropZone('receipt-file', t('verify.chooseReceipt'), '.json,application/json', () => {}),
    h('div', { class: 'field' },
      filePicker('receipt-document', t('verify.optionalDocument'), '', null, 'receipt-document-hint'),
      h('p', { class: 'hint', id: 'receipt-document-hint' }, t('verify.optionalDocumentHint'))),
    h('button', { type: 'submit', id: 'receipt-submit' }, t('verify.checkReceipt')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    checkReceipt(form);
  });
  return h('section', { role: 'tabpanel', id: 'panel-receipt', 'aria-labelledby': 'tab-receipt', tabindex: '0' },
    h('h2', {}, t('verify.receiptTitle')),
    h('p', {}, t('verify.receiptLead')),
    form,
    h('div', { id: 'receipt-result', 'aria-live': 'polite' }),
    h('p', { class: 'hint' }, t('verify.genesisHint'), ' ', h('a', { href: '/v1/genesis', download: 'genesis.json' }, t('footer.genesis'))));
}

export async function page(ctx) {
  const { main, query, signal } = ctx;
  const wanted = query.get('tab');
  if (TABS.includes(wanted)) state.tab = wanted;
  add(main, ...pageHeader(t('verify.title'), t('verify.lead')),
    tabList(), documentPanel(signal), receiptPanel(), credentialPanel());
  setTab(state.tab, false);
  paintDocument(signal);
  paintReceipt();
}

// Checking a credential: pasted or uploaded in the portal's "Credential" tab, or opened from a
// diploma's QR link (#/credential?id=urn:uuid:…). The node verifies (POST /credentials/verify or
// /presentations/verify, GET /v1/credentials/{id}); the page explains each check and each error
// code in the page's language, and shows what the credential says, read-only, as text.

import { get, post, isNotFound } from '../api.js';
import { h, replace, add } from '../dom.js';
import { t, num, dateTime } from '../i18n.js';
import { pageHeader, facts, notice, errorBox, txLink, blockLink } from '../ui.js';

export const MAX_CREDENTIAL_BYTES = 1000000; // 1 MB; an honest credential is a few kB

const CREDENTIAL_CHECKS = ['dataModel', 'proof', 'proofPurpose', 'controller', 'validity', 'accreditation', 'status'];
const PRESENTATION_CHECKS = ['dataModel', 'proof', 'proofPurpose', 'controller', 'credentials', 'accreditation', 'status'];

// Which check an error code fails (anything under $.verifiableCredential[i] also fails "credentials").
const CHECK_OF_CODE = {
  proof: ['MISSING_PROOF', 'MALFORMED_PROOF', 'UNSUPPORTED_CRYPTOSUITE', 'CONTEXT_MISMATCH',
    'UNKNOWN_VERIFICATION_METHOD', 'KEY_MISMATCH', 'INVALID_SIGNATURE', 'PROOF_EXPIRED',
    'INVALID_CHALLENGE', 'INVALID_DOMAIN'],
  proofPurpose: ['WRONG_PROOF_PURPOSE'],
  controller: ['UNAUTHORIZED_VERIFICATION_METHOD', 'ISSUER_MISMATCH', 'HOLDER_MISMATCH', 'HOLDER_NOT_SUBJECT'],
  validity: ['NOT_YET_VALID', 'EXPIRED'],
  accreditation: ['ISSUER_NOT_ACCREDITED', 'NO_ACCREDITED_TYPE'],
  status: ['STATUS_REVOKED', 'STATUS_SUSPENDED', 'STATUS_SET', 'MALFORMED_STATUS', 'UNSUPPORTED_STATUS',
    'STATUS_LIST_NOT_RECOGNISED', 'STATUS_LIST_ISSUER_MISMATCH', 'STATUS_LIST_UNVERIFIED',
    'STATUS_LIST_NOT_FOUND', 'STATUS_PURPOSE_MISMATCH', 'STATUS_INDEX_OUT_OF_RANGE'],
};

const DIPLOMA_FIELDS = ['degreeName', 'degreeType', 'major', 'majorCode', 'classification',
  'modeOfStudy', 'graduationYear', 'diplomaNumber', 'registryNumber'];

// Kept across re-renders: a language switch redraws from here, nothing typed is lost.
const state = { text: '', challenge: '', domain: '', phase: 'idle', kind: '', document: null, result: null, error: null, message: '', detail: '' };

function checkOf(problem) {
  if (problem.code === 'INVALID_DATE' && /\.proof\b/.test(problem.path || '')) return 'proof';
  for (const [check, codes] of Object.entries(CHECK_OF_CODE)) if (codes.includes(problem.code)) return check;
  return 'dataModel';
}

function types(value) {
  const type = value && value.type;
  return Array.isArray(type) ? type.map(String) : [String(type)];
}

/** Read pasted text: a credential, a presentation, or {verifiableCredential: …} as issued. */
export function readCredentialText(text) {
  const size = new TextEncoder().encode(text).length;
  if (!text.trim()) return { error: t('cred.empty') };
  if (size > MAX_CREDENTIAL_BYTES) {
    return { error: t('cred.tooLarge', { size: num(size), limit: num(MAX_CREDENTIAL_BYTES) }) };
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: t('cred.notJson'), detail: String(err.message || err) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: t('cred.notObject') };
  for (const wrapper of ['verifiableCredential', 'verifiablePresentation']) {
    const inner = value[wrapper];
    if (!('type' in value) && inner && typeof inner === 'object' && !Array.isArray(inner)) value = inner;
  }
  const kinds = types(value);
  if (kinds.includes('VerifiablePresentation')) return { kind: 'presentation', value };
  if (kinds.includes('VerifiableCredential')) return { kind: 'credential', value };
  return { error: t('cred.notCredential') };
}

function problemText(problem) {
  const key = `vc.code.${problem.code}`;
  const known = t(key);
  return known === key ? t('vc.unknownCode', { code: problem.code }) : known;
}

function problemList(id, problems) {
  return h('ul', { class: 'problems', id }, problems.map((p) => h('li', { 'data-code': p.code },
    h('strong', {}, problemText(p)), ' ',
    h('span', { class: 'detail' }, '(', h('code', {}, p.code), p.path ? ` — ${t('cred.where')} ` : '',
      p.path ? h('code', {}, p.path) : '', ')'),
    p.message ? h('span', { class: 'check-detail' }, ` ${t('cred.serverSays')}: `, h('code', {}, p.message)) : null)));
}

/** The verdict, each check passed / failed (with why) / not run, errors and warnings. */
export function verificationReport(result, kind, idPrefix = 'credential') {
  const presentation = kind === 'presentation';
  const names = presentation ? PRESENTATION_CHECKS : CREDENTIAL_CHECKS;
  const failedBy = new Map();
  for (const problem of result.errors) {
    const checks = [checkOf(problem)];
    if (presentation && /^\$\.verifiableCredential\b/.test(problem.path || '')) checks.push('credentials');
    checks.forEach((c) => { if (!failedBy.has(c)) failedBy.set(c, problem); });
  }
  const items = names.map((name) => {
    const passed = result.checks.includes(name);
    const failed = !passed && failedBy.get(name);
    const cls = passed ? 'ok' : failed ? 'bad' : 'skipped';
    return h('li', { class: cls, 'data-check': name },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, passed ? '✓' : failed ? '✗' : '–'),
      h('span', {}, h('span', { class: 'check-name' }, t(`check.${name}`)), ': ',
        passed ? h('strong', {}, t('verify.pass'))
          : failed ? [h('strong', {}, t('verify.fail')), ' — ', problemText(failed)]
            : t('verify.notRun')),
      failed ? h('span', { class: 'check-detail' }, h('code', {}, `${failed.code}: ${failed.message}`)) : null);
  });
  const first = result.errors[0];
  const summary = result.verified
    ? notice('ok', t(presentation ? 'cred.validPresentationTitle' : 'cred.validTitle'), h('p', {}, t('cred.validText')))
    : notice('bad', t(presentation ? 'cred.invalidPresentationTitle' : 'cred.invalidTitle'),
      first ? h('p', {}, problemText(first)) : null);
  summary.id = `${idPrefix}-verdict`;
  return [
    summary,
    h('h3', {}, t('cred.checksTitle')),
    h('ol', { class: 'checks', id: `${idPrefix}-checks` }, items),
    result.errors.length ? [h('h3', {}, t('cred.problemsTitle')), problemList(`${idPrefix}-errors`, result.errors)] : null,
    result.warnings.length ? [h('h3', {}, t('cred.warningsTitle')), problemList(`${idPrefix}-warnings`, result.warnings)] : null,
  ];
}

function text(value) {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function dateText(value) {
  if (typeof value !== 'string') return null;
  const shown = dateTime(value);
  return shown === value ? value : `${shown} (${value})`;
}

/** What one credential states, as text only (never markup), diacritics exactly as signed. */
function credentialContent(credential) {
  const issuer = credential.issuer;
  const subjects = Array.isArray(credential.credentialSubject) ? credential.credentialSubject : [credential.credentialSubject];
  const rows = [
    [t('cred.field.issuer'), issuer && typeof issuer === 'object' ? text(issuer.name) : null],
    [t('cred.field.issuerId'), text(issuer && typeof issuer === 'object' ? issuer.id : issuer)],
    [t('cred.field.name'), text(credential.name)],
    [t('cred.field.type'), types(credential).filter((x) => x !== 'VerifiableCredential').join(', ') || null],
    [t('cred.field.id'), text(credential.id)],
    [t('cred.field.validFrom'), dateText(credential.validFrom)],
    [t('cred.field.validUntil'), dateText(credential.validUntil)],
  ];
  for (const subject of subjects) {
    if (!subject || typeof subject !== 'object') continue;
    rows.push([t('cred.field.subject'), text(subject.name)],
      [t('cred.field.subjectId'), text(subject.id)],
      [t('cred.field.birthDate'), text(subject.birthDate)]);
    const diploma = subject.diploma && typeof subject.diploma === 'object' ? subject.diploma : {};
    DIPLOMA_FIELDS.forEach((field) => rows.push([t(`cred.field.${field}`), text(diploma[field])]));
  }
  return facts(rows);
}

function contentSection(document, kind) {
  const credentials = kind === 'presentation'
    ? [].concat(document.verifiableCredential || []).filter((c) => c && typeof c === 'object')
    : [document];
  const holder = kind === 'presentation' ? document.holder : null;
  return h('section', { class: 'card', id: 'credential-content', 'aria-labelledby': 'credential-content-title' },
    h('h3', { id: 'credential-content-title' }, t('cred.contentTitle')),
    h('p', { class: 'hint' }, t('cred.contentNote')),
    holder ? facts([[t('cred.field.holder'), text(typeof holder === 'object' ? holder.id : holder)]]) : null,
    credentials.map((c, i) => [
      credentials.length > 1 || kind === 'presentation' ? h('h4', {}, t('cred.credentialN', { n: i + 1 })) : null,
      credentialContent(c)]));
}

// -- the portal's tab ---------------------------------------------------------------------

async function check() {
  const read = readCredentialText(state.text);
  state.result = null;
  state.error = null;
  if (read.error) {
    Object.assign(state, { phase: 'unreadable', message: read.error, detail: read.detail || '' });
    paint();
    return;
  }
  Object.assign(state, { phase: 'checking', kind: read.kind, document: read.value });
  paint();
  try {
    const options = {};
    if (state.challenge.trim()) options.challenge = state.challenge.trim();
    if (state.domain.trim()) options.domain = state.domain.trim();
    state.result = read.kind === 'presentation'
      ? await post('/presentations/verify', { verifiablePresentation: read.value, options })
      : await post('/credentials/verify', { verifiableCredential: read.value });
    state.phase = 'done';
  } catch (err) {
    // Not verified is a 400 whose body is the report itself (verified: false, errors).
    if (err && err.status === 400 && err.problem && err.problem.verified === false) {
      state.result = err.problem;
      state.phase = 'done';
    } else {
      state.phase = 'error';
      state.error = err;
    }
  }
  paint();
}

function paint() {
  const box = document.getElementById('credential-result');
  if (!box) return;
  switch (state.phase) {
    case 'checking':
      replace(box, h('p', { role: 'status' }, t('verify.checking')));
      return;
    case 'unreadable':
      replace(box, notice('bad', t('cred.unreadableTitle'), h('p', {}, state.message),
        state.detail ? h('p', { class: 'detail' }, `${t('error.detail')}: `, h('code', {}, state.detail)) : null));
      return;
    case 'error':
      replace(box, errorBox(state.error));
      return;
    case 'done':
      replace(box, ...verificationReport(state.result, state.kind), contentSection(state.document, state.kind));
      return;
    default:
      replace(box);
  }
}

async function loadFile(file, area) {
  if (file.size > MAX_CREDENTIAL_BYTES) {
    state.text = '';
    area.value = '';
    Object.assign(state, { phase: 'unreadable', message: t('cred.tooLarge', { size: num(file.size), limit: num(MAX_CREDENTIAL_BYTES) }), detail: '' });
    paint();
    return;
  }
  state.text = await file.text();
  area.value = state.text;
  await check();
}

export function credentialPanel() {
  const area = h('textarea', {
    id: 'credential-json', class: 'credential-json', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'credential-json-hint',
  });
  area.value = state.text;
  area.addEventListener('input', () => { state.text = area.value; });
  const fileName = h('span', { class: 'file-name', id: 'credential-file-name' }, t('verify.noFile'));
  const fileInput = h('input', { type: 'file', id: 'credential-file', class: 'file-input', accept: '.json,application/json', 'aria-describedby': 'credential-file-name' });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    fileName.textContent = file ? file.name : t('verify.noFile');
    if (file) loadFile(file, area);
  });
  const field = (id, label, key) => {
    const input = h('input', { type: 'text', id, autocomplete: 'off', spellcheck: 'false' });
    input.value = state[key];
    input.addEventListener('input', () => { state[key] = input.value; });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input);
  };
  const form = h('form', { id: 'credential-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'credential-json' }, t('cred.pasteLabel')), area,
      h('p', { class: 'hint', id: 'credential-json-hint' }, t('cred.pasteHint', { limit: num(MAX_CREDENTIAL_BYTES) }))),
    h('div', { class: 'file-picker' }, fileInput,
      h('label', { for: 'credential-file', class: 'button secondary file-button' }, t('cred.chooseFile')), fileName),
    h('p', { class: 'hint', id: 'credential-options-hint' }, t('cred.optionsHint')),
    h('div', { class: 'credential-options' },
      field('credential-challenge', t('cred.challenge'), 'challenge'),
      field('credential-domain', t('cred.domain'), 'domain')),
    h('button', { type: 'submit', id: 'credential-submit' }, t('cred.check')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.text = area.value;
    check();
  });
  const panel = h('section', { role: 'tabpanel', id: 'panel-credential', 'aria-labelledby': 'tab-credential', tabindex: '0' },
    h('h2', {}, t('verify.credentialTitle')),
    h('p', {}, t('verify.credentialLead')),
    form,
    h('div', { id: 'credential-result', 'aria-live': 'polite' }));
  queueMicrotask(paint);
  return panel;
}

// -- the QR page ----------------------------------------------------------------------------

function statusList(entries) {
  return h('ul', { id: 'credential-status-now' }, entries.map((e) => h('li', {},
    t('cred.statusEntry', {
      purpose: t(`vc.status.${e.statusPurpose}`) === `vc.status.${e.statusPurpose}` ? String(e.statusPurpose) : t(`vc.status.${e.statusPurpose}`),
      status: e.status === 'active' ? t('vc.status.clear') : t('vc.status.set'),
    }),
    e.height ? [' · ', blockLink(e.height)] : null, e.txHash ? [' · ', txLink(e.txHash)] : null)));
}

/** #/credential?id=urn:uuid:… (or #/credential/urn:uuid:…): a credential this node published. */
export async function page(ctx) {
  const { main, query, params, signal } = ctx;
  const id = (params.id || query.get('id') || '').trim();
  add(main, ...pageHeader(t('cred.pageTitle'), t('cred.pageLead')));
  const back = h('p', {}, h('a', { href: '#/verify?tab=credential' }, t('cred.pasteInstead')));
  if (!id) {
    add(main, notice('warn', t('cred.unknownTitle'), h('p', {}, t('cred.noId'))), back);
    return;
  }
  let body;
  try {
    body = await get(`/v1/credentials/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (signal.aborted) return;
    add(main, isNotFound(err)
      ? notice('warn', t('cred.unknownTitle'), h('p', { id: 'credential-unknown' }, t('cred.unknownText', { id })))
      : errorBox(err), back);
    return;
  }
  const credential = body.verifiableCredential;
  add(main, h('div', { id: 'credential-result' },
    ...verificationReport(body.verification, 'credential'),
    body.credentialStatus && body.credentialStatus.length
      ? [h('h3', {}, t('cred.statusNow')), statusList(body.credentialStatus)] : null,
    contentSection(credential, 'credential')), back);
}

// "Who read my data": the vault's answer to its data subject (POST /vault/v1/access, saved as a
// JSON file) checked in the browser and never uploaded. Each read's log entry is decoded from
// its canonical CBOR (the fields shown are the entry's, not the JSON's unbound copies, which
// are compared with it), its Merkle inclusion proof is recomputed up to its batch's root, and
// that root is looked up on chain (GET /v1/evidence/sha-256/<root>), where the vault anchors
// it as "vault-access-log/<batch>". A read waiting for the vault's next batch has no proof yet.

import { get, isNotFound, describeError } from '../api.js';
import { decodeCanonical, hexBytes, CborError } from '../cbor.js';
import { h, replace } from '../dom.js';
import { t, num, bytes } from '../i18n.js';
import { rootFromProof, ProofError } from '../merkle.js';
import { toHex } from '../sha256.js';
import { table, notice, blockLink, unixTimeText, badge } from '../ui.js';
import { didLink, idText, termText } from './privacy-text.js';

const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_READS = 10000;
const ID_BYTES = 16;
const ROOT = /^[0-9a-f]{64}$/;
/** An access-log entry: {seq, at, reader, reference, purpose, consent, nonce}, each typed. */
const ENTRY_FIELDS = {
  seq: 'count', at: 'count', reader: 'text', reference: 'id', purpose: 'text', consent: 'id', nonce: 'id',
};
const COMPARED = ['reader', 'at', 'purpose', 'consent', 'reference'];
const BADGES = {
  anchored: 'ok', notAnchored: 'warn', waiting: 'neutral', proofFails: 'bad', unreadable: 'bad', lookupFailed: 'warn',
};

// Kept across re-renders: a language switch redraws the page, and the result stays.
const state = { subject: '', name: '', phase: 'idle', problem: null, results: [] };
let runs = 0;

/** A problem to show later, in whichever language is chosen then (`vars` may be a function,
 * so that its numbers are formatted then too). */
function problem(key, vars = {}, detail = '') {
  return { key, vars, detail };
}

class Unreadable extends Error {
  constructor(found) {
    super(found.key);
    this.found = found;
  }
}

// -- reading the file --------------------------------------------------------------------

async function readAnswer(file) {
  if (file.size > MAX_FILE_BYTES) {
    throw new Unreadable(problem('whoRead.tooLarge', () => ({ size: bytes(file.size), limit: bytes(MAX_FILE_BYTES) })));
  }
  let answer;
  try {
    answer = JSON.parse(await file.text());
  } catch (err) {
    throw new Unreadable(problem('whoRead.notJson', {}, String(err.message || err)));
  }
  const isObject = answer !== null && typeof answer === 'object' && !Array.isArray(answer);
  if (!isObject || typeof answer.subject !== 'string' || !Array.isArray(answer.reads)) {
    throw new Unreadable(problem('whoRead.notAnswer'));
  }
  if (answer.reads.length > MAX_READS) throw new Unreadable(problem('whoRead.tooMany', () => ({ limit: num(MAX_READS) })));
  return answer;
}

/** The entry's fields, checked against the access log's format; an Unreadable if not. */
function decodeEntry(hex) {
  const raw = hexBytes(hex);
  if (!raw) throw new Unreadable(problem('whoRead.entryNotHex'));
  let value;
  try {
    value = decodeCanonical(raw);
  } catch (err) {
    if (!(err instanceof CborError)) throw err;
    throw new Unreadable(problem('whoRead.entryNotCbor', { why: err.code }, err.message));
  }
  if (!(value instanceof Map)) throw new Unreadable(problem('whoRead.entryNotMap'));
  const names = [...value.keys()].sort().join(', ');
  if (names !== Object.keys(ENTRY_FIELDS).sort().join(', ')) {
    throw new Unreadable(problem('whoRead.entryFields', { names }));
  }
  const fields = {};
  for (const [name, kind] of Object.entries(ENTRY_FIELDS)) {
    const item = value.get(name);
    const fits = (kind === 'count' && typeof item === 'number')
      || (kind === 'text' && typeof item === 'string')
      || (kind === 'id' && item instanceof Uint8Array && item.length === ID_BYTES);
    if (!fits) throw new Unreadable(problem('whoRead.entryField', { name }));
    fields[name] = item instanceof Uint8Array ? toHex(item) : item;
  }
  return { raw, fields };
}

/** The proof's numbers and aunts as the file gives them, or null if they are malformed. */
function proofOf(read) {
  const { batch, proof } = read;
  if (!batch || !proof || typeof batch !== 'object' || typeof proof !== 'object') return null;
  if (typeof batch.root !== 'string' || !ROOT.test(batch.root) || !Number.isSafeInteger(batch.number)) return null;
  if (!Array.isArray(proof.aunts)) return null;
  const aunts = proof.aunts.map((a) => (typeof a === 'string' && ROOT.test(a) ? hexBytes(a) : null));
  if (aunts.includes(null)) return null;
  return { number: batch.number, root: batch.root, total: proof.total, index: proof.index, aunts };
}

async function anchoringOf(root, number, lookups) {
  if (!lookups.has(root)) {
    lookups.set(root, get(`/v1/evidence/sha-256/${root}`).then((body) => body.anchorings).catch((err) => {
      if (isNotFound(err)) return [];
      throw err;
    }));
  }
  const anchorings = await lookups.get(root);
  const reference = `vault-access-log/${number}`;
  return anchorings.find((a) => a.reference === reference) || anchorings[0] || null;
}

function claimedOf(read) {
  const shown = {};
  COMPARED.forEach((name) => {
    shown[name] = read[name] === undefined || read[name] === null ? '' : read[name];
  });
  return shown;
}

/** A read as the vault's JSON states it, nothing proven yet. */
function unproven(read) {
  return {
    status: 'waiting', shown: claimedOf(read), mismatches: [], batch: null, height: null, reference: '', problem: null,
  };
}

/** One read: what it says, and how far it is proven. */
async function checkRead(read, lookups) {
  const result = unproven(read);
  const claimed = result.shown;
  if (read.entry === undefined && read.proof === undefined && read.batch === undefined) return result;
  let entry;
  try {
    entry = decodeEntry(read.entry);
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    return { ...result, status: 'unreadable', problem: err.found };
  }
  result.shown = entry.fields;
  result.mismatches = COMPARED.filter((name) => String(claimed[name]) !== String(entry.fields[name]))
    .map((name) => ({ name, claimed: String(claimed[name]), proven: String(entry.fields[name]) }));
  const proof = proofOf(read);
  if (!proof) return { ...result, status: 'proofFails', problem: problem('whoRead.proofMalformed') };
  result.batch = proof.number;
  let root;
  try {
    root = toHex(rootFromProof(entry.raw, proof));
  } catch (err) {
    if (!(err instanceof ProofError)) throw err;
    return { ...result, status: 'proofFails', problem: problem('whoRead.proofShape', {}, err.message) };
  }
  if (root !== proof.root) {
    return { ...result, status: 'proofFails', problem: problem('whoRead.proofWrong', {}, `${root} ≠ ${proof.root}`) };
  }
  try {
    const anchoring = await anchoringOf(proof.root, proof.number, lookups);
    if (!anchoring) return { ...result, status: 'notAnchored', problem: problem('whoRead.notAnchoredText', () => ({ batch: num(proof.number) }), proof.root) };
    return { ...result, status: 'anchored', height: anchoring.height, reference: anchoring.reference };
  } catch (err) {
    return { ...result, status: 'lookupFailed', problem: problem('whoRead.lookupFailedText', {}, describeError(err).message) };
  }
}

async function checkFile(file, subject) {
  runs += 1;
  const run = runs;
  Object.assign(state, { subject, name: file.name, phase: 'checking', problem: null, results: [] });
  paint();
  let outcome;
  try {
    const answer = await readAnswer(file);
    if (answer.subject !== subject) {
      outcome = { phase: 'wrongSubject', problem: problem('whoRead.wrongSubject', { got: answer.subject, want: subject }) };
    } else {
      const lookups = new Map();
      const results = [];
      for (const read of answer.reads) {
        results.push(read !== null && typeof read === 'object'
          ? await checkRead(read, lookups)
          : { ...unproven({}), status: 'unreadable', problem: problem('whoRead.readNotObject') });
      }
      outcome = { phase: 'done', results };
    }
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    outcome = { phase: 'unreadable', problem: err.found };
  }
  if (run !== runs || state.subject !== subject) return; // another file, or another subject's page
  Object.assign(state, outcome);
  paint();
}

// -- showing the result ------------------------------------------------------------------

function problemText(found) {
  if (!found) return '';
  return t(found.key, typeof found.vars === 'function' ? found.vars() : found.vars);
}

function detailLine(found) {
  return found && found.detail ? h('span', { class: 'hint block' }, `${t('error.detail')}: `, h('code', {}, found.detail)) : null;
}

function resultCell(r) {
  const mark = badge(BADGES[r.status], t(`whoRead.status.${r.status}`, { height: r.height === null ? '' : num(r.height) }));
  mark.dataset.status = r.status;
  const lines = [];
  if (r.status === 'anchored') {
    lines.push(h('span', { class: 'hint block' }, t('whoRead.anchoredText', { batch: num(r.batch) }), ' ', blockLink(r.height)));
  } else if (r.status === 'waiting') {
    lines.push(h('span', { class: 'hint block' }, t('whoRead.waitingText')));
  } else {
    lines.push(h('span', { class: 'hint block' }, problemText(r.problem)), detailLine(r.problem));
  }
  r.mismatches.forEach((m) => lines.push(h('span', { class: 'mismatch line', 'data-field': m.name },
    t('whoRead.mismatch', { field: m.name, claimed: m.claimed, proven: m.proven }))));
  return h('span', {}, mark, ...lines);
}

function readsTable(results) {
  const rows = results.map((r, i) => [
    num(i + 1),
    r.shown.reader ? didLink(String(r.shown.reader)) : t('none'),
    typeof r.shown.at === 'number' ? unixTimeText(r.shown.at) : t('none'),
    h('span', {}, r.shown.purpose ? termText(String(r.shown.purpose)) : t('none'),
      r.shown.consent ? h('span', { class: 'hint block' }, t('whoRead.underConsent'), ' ', idText(String(r.shown.consent))) : null),
    resultCell(r),
  ]);
  return table(t('whoRead.tableCaption', { count: num(results.length) }), [
    { label: t('whoRead.number'), num: true }, { label: t('whoRead.reader') }, { label: t('whoRead.at') },
    { label: t('whoRead.purpose') }, { label: t('whoRead.check') },
  ], rows, { id: 'who-read-table' });
}

function summary(results) {
  const count = (status) => results.filter((r) => r.status === status).length;
  const failed = count('proofFails') + count('unreadable');
  const mismatched = results.filter((r) => r.mismatches.length).length;
  const figures = {
    total: num(results.length), anchored: num(count('anchored')), notAnchored: num(count('notAnchored')),
    waiting: num(count('waiting')), failed: num(failed), mismatched: num(mismatched),
  };
  const text = h('p', {}, t('whoRead.counts', figures));
  let box;
  if (failed || mismatched) box = notice('bad', t('whoRead.failedTitle'), text, h('p', {}, t('whoRead.failedText')));
  else if (results.length && count('anchored') === results.length) box = notice('ok', t('whoRead.allProvenTitle'), text);
  else box = notice('info', t(results.length ? 'whoRead.partlyTitle' : 'whoRead.noReadsTitle'), text);
  box.id = 'who-read-summary';
  return box;
}

function paint() {
  const box = document.getElementById('who-read-result');
  if (!box || box.dataset.subject !== state.subject) return;
  const about = state.name ? h('p', {}, t('whoRead.fileLine', { name: state.name })) : null;
  switch (state.phase) {
    case 'checking':
      replace(box, about, h('p', { role: 'status' }, t('whoRead.checking')));
      return;
    case 'unreadable':
      replace(box, about, notice('bad', t('whoRead.unreadableTitle'), h('p', {}, problemText(state.problem)), detailLine(state.problem)));
      return;
    case 'wrongSubject':
      replace(box, about, notice('bad', t('whoRead.wrongSubjectTitle'), h('p', {}, problemText(state.problem))));
      return;
    case 'done':
      replace(box, about, summary(state.results), state.results.length ? readsTable(state.results) : null);
      return;
    default:
      replace(box);
  }
}

/** The "who read my data" section of the subject's page. */
export function whoReadPanel(subject) {
  if (state.subject !== subject) {
    runs += 1; // a check still running for another subject lands nowhere
    Object.assign(state, { subject, name: '', phase: 'idle', problem: null, results: [] });
  }
  const input = h('input', {
    type: 'file', id: 'who-read-file', accept: '.json,application/json', class: 'file-input',
    'aria-describedby': 'who-read-hint who-read-file-name',
  });
  const name = h('span', { class: 'file-name', id: 'who-read-file-name' }, state.name || t('verify.noFile'));
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    name.textContent = file ? file.name : t('verify.noFile');
    if (file) checkFile(file, subject);
  });
  const result = h('div', { id: 'who-read-result', 'aria-live': 'polite', dataset: { subject } });
  queueMicrotask(paint);
  return h('section', { class: 'card', 'aria-labelledby': 'who-read-title' },
    h('h2', { id: 'who-read-title' }, t('whoRead.title')),
    h('p', {}, t('whoRead.lead')),
    h('p', { class: 'hint', id: 'who-read-hint' }, t('whoRead.hint')),
    h('div', { class: 'file-picker field' }, input,
      h('label', { for: 'who-read-file', class: 'button secondary file-button' }, t('whoRead.choose')), name),
    result);
}

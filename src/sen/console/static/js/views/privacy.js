// Personal data (module `privacy`, docs/spec/privacy.md), read-only. #/privacy: three doors, by
// DID. #/privacy/subject/<did:key>: a data subject's consents and "who read my data"
// (views/access-log.js). #/privacy/controller/<did:sen>: a controller's queue of data-subject
// requests and its breach reports with their 72-hour clocks, judged at the chain's latest
// block time (never the browser's clock). #/privacy/audit/<did:sen>: an auditor's view of the
// same controller: impact-assessment dossiers, what was late. Actions are CLI commands.

import { get } from '../api.js';
import { add, h } from '../dom.js';
import { t, num, parseTime } from '../i18n.js';
import { go } from '../router.js';
import { nodeInfo } from '../state.js';
import {
  pageHeader, facts, table, empty, notice, errorBox, cli, nodeUrl, blockLink, accountLink,
  unixTimeText, timeText, badge,
} from '../ui.js';
import { whoReadPanel } from './access-log.js';
import { stat } from './network.js';
import { didLink, idText, termText, termsText } from './privacy-text.js';

/** The API's patterns (src/sen/api/routes/privacy.py): a pairwise did:key, a controller's did:sen. */
export const SUBJECT_DID = /^did:key:z[1-9A-HJ-NP-Za-km-z]{1,200}$/;
export const CONTROLLER_DID = /^did:sen:[a-z0-9][a-z0-9.-]{0,63}$/;
const DOORS = [
  { name: 'subject', pattern: SUBJECT_DID },
  { name: 'controller', pattern: CONTROLLER_DID },
  { name: 'audit', pattern: CONTROLLER_DID },
];
const CONSENT_BADGES = { given: 'ok', refused: 'neutral', withdrawn: 'warn' };
const OUTCOME_BADGES = { fulfilled: 'ok', nothing_held: 'info', refused: 'warn' };
const DOSSIER_BADGES = { filed: 'info', amended: 'info', accepted: 'ok', returned: 'warn', withdrawn: 'neutral' };
const LIVE_SHOWN = 5;

// What was typed in the doors, kept across re-renders (a language switch redraws the page).
const typed = { subject: '', controller: '', audit: '', wrong: '' };

/** A key's text, or `fallback` when the dictionary has none (a kind or state added later). */
function known(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

/** True if the chain runs module `privacy` (GET /v1/node); otherwise says so and returns false. */
async function privacyGate(ctx) {
  let info;
  try {
    info = await nodeInfo();
  } catch (err) {
    if (ctx.active) add(ctx.main, errorBox(err));
    return false;
  }
  if (!ctx.active) return false; // another page is drawn now
  if (info.modules.some((m) => m.name === 'privacy')) return true;
  add(ctx.main, h('div', { class: 'notice warn', id: 'unavailable' },
    h('h2', {}, t('unavailable.title')),
    h('p', {}, t('privacy.unavailable')),
    h('p', {}, t('unavailable.howActions'))));
  return false;
}

/** The chain's "now": its latest block's time in whole seconds, as the chain judges clocks. */
async function chainNow(signal) {
  const status = await get('/v1/status', { signal });
  const time = status.latest_block_time ? parseTime(status.latest_block_time) : null;
  if (!time) return null;
  return { seconds: Math.floor(time.getTime() / 1000), iso: status.latest_block_time, height: status.height };
}

/** "71 giờ 58 phút": a 72-hour clock is read in hours. */
function duration(seconds) {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  return t('privacy.duration', { hours: num(Math.floor(minutes / 60)), minutes: num(minutes % 60) });
}

function judgedAt(now) {
  if (!now) return h('p', { class: 'hint', id: 'privacy-clock' }, t('privacy.clock.noBlock'));
  return h('p', { class: 'hint', id: 'privacy-clock' },
    t('privacy.clock.judgedAt'), ' ', blockLink(now.height), ', ', timeText(now.iso), '. ', t('privacy.clock.notYours'));
}

function line(...children) {
  return h('span', { class: 'line' }, ...children);
}

function badDid(kind, did) {
  return [notice('warn', t('privacy.badDid.title'), h('p', {}, t(`privacy.door.${kind}.bad`)), h('p', { class: 'hash' }, did)),
    h('p', {}, h('a', { href: '#/privacy' }, t('privacy.back')))];
}

function heading(id, text) {
  return h('h2', { id }, text);
}

// -- #/privacy ---------------------------------------------------------------------------

function door({ name, pattern }) {
  const id = `privacy-${name}`;
  const input = h('input', {
    type: 'text', id, name, autocomplete: 'off', spellcheck: 'false', maxlength: '256', class: 'mono did-input',
    'aria-describedby': `${id}-hint ${id}-error`,
  });
  input.value = typed[name];
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const showError = () => {
    const wrong = typed.wrong === name;
    input.setAttribute('aria-invalid', String(wrong));
    error.textContent = wrong ? t(`privacy.door.${name}.bad`) : '';
  };
  showError();
  const form = h('form', { class: 'card door', id: `${id}-form`, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, t(`privacy.door.${name}.title`)),
    h('p', {}, t(`privacy.door.${name}.lead`)),
    h('div', { class: 'field' },
      h('label', { for: id }, t(`privacy.door.${name}.label`)), input,
      h('p', { class: 'hint', id: `${id}-hint` }, t(`privacy.door.${name}.hint`)), error),
    h('button', { type: 'submit' }, t(`privacy.door.${name}.open`)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    typed[name] = value;
    typed.wrong = pattern.test(value) ? '' : name;
    showError();
    if (typed.wrong) input.focus();
    else go(`/privacy/${name}/${value}`);
  });
  return form;
}

export async function landing(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('privacy.title'), t('privacy.lead')));
  if (!(await privacyGate(ctx))) return;
  add(main, h('div', { class: 'grid-2' }, DOORS.map(door)),
    h('p', { class: 'hint' }, t('privacy.offChain')),
    cli(t('cli.privacyDidKey'), 'sen did key --key KEY'));
}

// -- #/privacy/subject/<did:key> ---------------------------------------------------------

function expired(consent, now) {
  return consent.state === 'given' && (now ? now.seconds >= consent.expires : Boolean(consent.expired));
}

function consentState(consent, now) {
  const marks = [badge(CONSENT_BADGES[consent.state] || 'neutral', known(`privacy.consentState.${consent.state}`, consent.state))];
  if (expired(consent, now)) marks.push(' ', badge('warn', t('privacy.consent.expired')));
  if (consent.state === 'withdrawn') {
    const by = known(`privacy.consent.by.${consent.withdrawn_by}`, consent.withdrawn_by || '');
    marks.push(h('span', { class: 'hint block' }, t('privacy.consent.withdrawnAt', { by }), ' ', blockLink(consent.withdrawn_height)));
  }
  return h('span', {}, ...marks);
}

function consentTable(consents, now) {
  return table(t('privacy.consents.title'), [
    { label: t('privacy.consent.id') }, { label: t('privacy.consent.controller') },
    { label: t('privacy.consent.recipients') }, { label: t('privacy.consent.purposes') },
    { label: t('privacy.consent.categories') }, { label: t('privacy.consent.legalBasis') },
    { label: t('privacy.consent.state') }, { label: t('privacy.consent.expires') },
  ], consents.map((c) => [
    h('span', {}, idText(c.id), h('span', { class: 'hint block' }, t('privacy.consent.recorded'), ' ', blockLink(c.recorded_height))),
    didLink(c.controller),
    c.recipients.length ? h('span', {}, c.recipients.map((r) => line(didLink(r)))) : t('privacy.consent.noRecipients'),
    termsText(c.purposes),
    termsText(c.categories),
    termText(c.legal_basis),
    consentState(c, now),
    unixTimeText(c.expires),
  ]), { id: 'consents-table' });
}

function subjectCommands(did, consents, now) {
  const live = consents.filter((c) => c.state === 'given' && !expired(c, now));
  const controllers = [...new Set(consents.map((c) => c.controller))];
  return [
    h('h2', {}, t('privacy.actions')), h('p', { class: 'hint' }, t('privacy.subject.actionsHint')),
    ...live.slice(0, LIVE_SHOWN).map((c) => cli(t('cli.consentWithdraw', { id: c.id }),
      `sen --node ${nodeUrl()} consent withdraw ${c.id} --key KEY`)),
    ...controllers.map((controller) => cli(t('cli.privacyRequest', { controller }),
      `sen --node ${nodeUrl()} privacy request ${controller} --kind access --key KEY`)),
    controllers.length ? h('p', { class: 'hint' }, t('privacy.subject.kindsHint')) : null,
    cli(t('cli.consentList'), `sen --node ${nodeUrl()} consent list --subject ${did}`),
  ];
}

export async function subject(ctx) {
  const { main, params, signal } = ctx;
  const did = params.did;
  add(main, ...pageHeader(t('privacy.subject.title'), t('privacy.subject.lead')));
  if (!SUBJECT_DID.test(did)) {
    add(main, ...badDid('subject', did));
    return;
  }
  if (!(await privacyGate(ctx))) return;
  let consents;
  let now;
  try {
    [consents, now] = await Promise.all([get(`/v1/privacy/subjects/${did}/consents`, { signal }), chainNow(signal)]);
  } catch (err) {
    if (!signal.aborted) add(main, errorBox(err));
    return;
  }
  if (signal.aborted) return;
  add(main,
    h('div', { class: 'card' }, facts([
      [t('privacy.subject.did'), h('span', { class: 'hash', id: 'privacy-subject' }, did)],
      [t('privacy.consents.count'), num(consents.length)],
    ])),
    heading('consents-title', t('privacy.consents.title')),
    consents.length ? consentTable(consents, now) : empty(t('privacy.consents.none')),
    judgedAt(now),
    whoReadPanel(did),
    ...subjectCommands(did, consents, now));
}

// -- the 72-hour clocks ------------------------------------------------------------------

/** A request as judged at the chain's `now`: overdue if open past its due time. */
function judged(request, now) {
  const overdue = Boolean(now && request.open && now.seconds > request.due);
  return { ...request, overdueNow: overdue, left: now ? request.due - now.seconds : null };
}

function byUrgency(a, b) {
  const rank = (r) => (r.overdueNow ? 0 : r.open ? 1 : 2);
  return rank(a) - rank(b) || a.due - b.due;
}

function clockCell(r) {
  if (!r.open) {
    return h('span', {}, t('privacy.clock.answered'), ' ', blockLink(r.answered_height),
      h('span', { class: 'hint block' }, unixTimeText(r.answered_time)));
  }
  if (r.left === null) return t('none');
  if (r.overdueNow) return badge('bad', t('privacy.clock.overdueBy', { time: duration(-r.left) }));
  return h('span', { class: 'nowrap-time' }, t('privacy.clock.left', { time: duration(r.left) }));
}

function outcomeCell(r) {
  if (r.open) return t('none');
  const outcome = r.outcome ? badge(OUTCOME_BADGES[r.outcome] || 'neutral', known(`privacy.outcome.${r.outcome}`, r.outcome)) : null;
  const late = r.late ? badge('bad', t('privacy.late', { time: duration(r.answered_time - r.due) }))
    : badge('ok', t('privacy.onTime'));
  return h('span', {}, line(outcome), line(late));
}

function requestsTable(requests, caption, id) {
  return table(caption, [
    { label: t('privacy.request.id') }, { label: t('privacy.request.kind') }, { label: t('privacy.request.filed') },
    { label: t('privacy.request.due') }, { label: t('privacy.request.acknowledged') }, { label: t('privacy.request.outcome') },
  ], requests.map((r) => [
    idText(r.id),
    known(`privacy.kind.${r.kind}`, r.kind),
    h('span', {}, blockLink(r.filed_height), h('span', { class: 'hint block' }, unixTimeText(r.filed_time))),
    h('span', {}, line(unixTimeText(r.due)), line(clockCell(r))),
    r.acknowledged_height === null ? h('span', { class: 'hint' }, t('privacy.request.notAcknowledged')) : blockLink(r.acknowledged_height),
    outcomeCell(r),
  ]), { id, rowClass: (i) => (requests[i].overdueNow ? 'overdue' : null) });
}

function breachVerdict(b) {
  return b.late ? badge('bad', t('privacy.late', { time: duration(b.reported_time - b.due) }))
    : badge('ok', t('privacy.breach.onTime', { time: duration(b.due - b.reported_time) }));
}

function breachesTable(breaches) {
  return table(t('privacy.breaches.title'), [
    { label: t('privacy.breach.id') }, { label: t('privacy.breach.detected') },
    { label: t('privacy.breach.reported') }, { label: t('privacy.breach.subjects'), num: true },
    { label: t('privacy.breach.categories') }, { label: t('privacy.breach.verdict') },
  ], breaches.map((b) => [
    idText(b.id),
    h('span', {}, line(unixTimeText(b.detected)), h('span', { class: 'hint block' }, t('privacy.breach.due'), ' ', unixTimeText(b.due))),
    h('span', {}, blockLink(b.reported_height), h('span', { class: 'hint block' }, unixTimeText(b.reported_time))),
    num(b.subjects),
    termsText(b.categories),
    breachVerdict(b),
  ]), { id: 'breaches-table' });
}

function vaultsTable(vaults) {
  return table(t('privacy.vaults.title'), [
    { label: t('privacy.vault.name') }, { label: t('privacy.vault.jurisdiction') },
    { label: t('privacy.vault.endpoint') }, { label: t('privacy.vault.declared') },
  ], vaults.map((v) => [
    h('code', {}, v.name), h('code', {}, v.jurisdiction), v.endpoint ? h('span', { class: 'hash' }, v.endpoint) : t('none'),
    h('span', {}, blockLink(v.declared_height), ' ', t('privacy.vault.version', { version: num(v.version) })),
  ]), { id: 'vaults-table' });
}

async function loadController(did, signal, withAssessments) {
  const base = `/v1/privacy/controllers/${did}`;
  const [queue, breaches, vaults, now, assessments] = await Promise.all([
    get(`${base}/requests`, { signal }), get(`${base}/breaches`, { signal }), get(`${base}/vaults`, { signal }),
    chainNow(signal), withAssessments ? get(`${base}/assessments`, { signal }) : Promise.resolve([]),
  ]);
  return { requests: queue.requests.map((r) => judged(r, now)).sort(byUrgency), breaches, vaults, now, assessments };
}

async function controllerPage(ctx, kind, withAssessments) {
  const { main, params, signal } = ctx;
  const did = params.did;
  add(main, ...pageHeader(t(`privacy.${kind}.title`), t(`privacy.${kind}.lead`)));
  if (!CONTROLLER_DID.test(did)) {
    add(main, ...badDid(kind, did));
    return null;
  }
  if (!(await privacyGate(ctx))) return null;
  try {
    const found = await loadController(did, signal, withAssessments);
    if (signal.aborted) return null;
    add(main, h('div', { class: 'card' }, facts([[t('privacy.controller.did'), didLink(did)]])));
    return found;
  } catch (err) {
    if (!signal.aborted) add(main, errorBox(err));
    return null;
  }
}

// -- #/privacy/controller/<did:sen> ------------------------------------------------------

export async function controller(ctx) {
  const found = await controllerPage(ctx, 'controller', false);
  if (!found) return;
  const { main, params } = ctx;
  const did = params.did;
  const { requests, breaches, vaults, now } = found;
  const urgent = requests.find((r) => r.open);
  const request = urgent ? urgent.id : 'REQUEST';
  add(main,
    h('div', { class: 'grid', id: 'privacy-counts' },
      stat(t('privacy.count.open'), num(requests.filter((r) => r.open).length)),
      stat(t('privacy.count.overdue'), num(requests.filter((r) => r.overdueNow).length)),
      stat(t('privacy.count.answeredLate'), num(requests.filter((r) => !r.open && r.late).length)),
      stat(t('privacy.count.breaches'), num(breaches.length))),
    heading('requests-title', t('privacy.requests.title')),
    judgedAt(now),
    requests.length ? requestsTable(requests, t('privacy.requests.title'), 'requests-table') : empty(t('privacy.requests.none')),
    heading('breaches-title', t('privacy.breaches.title')),
    h('p', { class: 'hint' }, t('privacy.breaches.hint')),
    breaches.length ? breachesTable(breaches) : empty(t('privacy.breaches.none')),
    heading('vaults-title', t('privacy.vaults.title')),
    vaults.length ? vaultsTable(vaults) : empty(t('privacy.vaults.none')),
    h('h2', {}, t('privacy.actions')),
    h('p', { class: 'hint' }, t(urgent ? 'privacy.controller.actionsHint' : 'privacy.controller.nothingOpen')),
    cli(t('cli.privacyAck'), `sen --node ${nodeUrl()} privacy ack ${request} --key KEY`),
    cli(t('cli.privacyAnswer'), `sen --node ${nodeUrl()} privacy answer ${request} --outcome fulfilled --document tra-loi.json --key KEY`),
    h('p', { class: 'hint' }, t('privacy.controller.outcomesHint')),
    cli(t('cli.privacyQueue'), `sen --node ${nodeUrl()} privacy queue ${did}`),
    h('p', {}, h('a', { href: `#/privacy/audit/${did}` }, t('privacy.controller.toAudit'))));
}

// -- #/privacy/audit/<did:sen> -----------------------------------------------------------

function dossiersTable(dossiers) {
  return table(t('privacy.dossiers.title'), [
    { label: t('privacy.dossier.id') }, { label: t('privacy.dossier.kind') }, { label: t('privacy.dossier.version'), num: true },
    { label: t('privacy.dossier.status') }, { label: t('privacy.dossier.digest') }, { label: t('privacy.dossier.filed') },
    { label: t('privacy.dossier.updated') }, { label: t('privacy.dossier.reviewer') },
  ], dossiers.map((d) => [
    idText(d.id),
    known(`privacy.dossierKind.${d.kind}`, d.kind),
    num(d.version),
    badge(DOSSIER_BADGES[d.status] || 'neutral', known(`privacy.dossierStatus.${d.status}`, d.status)),
    h('span', { class: 'hash' }, d.digest),
    blockLink(d.filed_height),
    blockLink(d.updated_height),
    d.reviewer ? accountLink(d.reviewer) : t('none'),
  ]), { id: 'dossiers-table' });
}

function reviewCommand(did, dossier) {
  return `sen --node ${nodeUrl()} privacy review ${did} ${dossier ? dossier.id : 'DOSSIER'} --decision accepted --document ho-so.json --key KEY`;
}

export async function audit(ctx) {
  const found = await controllerPage(ctx, 'audit', true);
  if (!found) return;
  const { main, params } = ctx;
  const did = params.did;
  const { requests, breaches, vaults, now, assessments } = found;
  const awaiting = assessments.filter((d) => d.status === 'filed' || d.status === 'amended');
  const lateOnes = requests.filter((r) => r.overdueNow || (!r.open && r.late));
  add(main,
    h('div', { class: 'grid', id: 'privacy-counts' },
      stat(t('privacy.count.awaiting'), num(awaiting.length)),
      stat(t('privacy.count.accepted'), num(assessments.filter((d) => d.status === 'accepted').length)),
      stat(t('privacy.count.returned'), num(assessments.filter((d) => d.status === 'returned').length)),
      stat(t('privacy.count.breachesLate'), num(breaches.filter((b) => b.late).length)),
      stat(t('privacy.count.answeredLate'), num(requests.filter((r) => !r.open && r.late).length)),
      stat(t('privacy.count.overdue'), num(requests.filter((r) => r.overdueNow).length))),
    heading('dossiers-title', t('privacy.dossiers.title')),
    h('p', { class: 'hint' }, t('privacy.dossiers.hint')),
    assessments.length ? dossiersTable(assessments) : empty(t('privacy.dossiers.none')),
    heading('breaches-title', t('privacy.breaches.title')),
    breaches.length ? breachesTable(breaches) : empty(t('privacy.breaches.none')),
    heading('late-title', t('privacy.lateRequests.title')),
    judgedAt(now),
    lateOnes.length ? requestsTable(lateOnes, t('privacy.lateRequests.title'), 'late-requests-table') : empty(t('privacy.lateRequests.none')),
    heading('vaults-title', t('privacy.vaults.title')),
    vaults.length ? vaultsTable(vaults) : empty(t('privacy.vaults.none')),
    h('h2', {}, t('privacy.actions')),
    cli(t('cli.privacyReview'), reviewCommand(did, awaiting[0])),
    h('p', { class: 'hint' }, t('privacy.audit.reviewHint')),
    notice('info', t('privacy.audit.sweepTitle'), h('p', {}, t('privacy.audit.sweepText'))),
    cli(t('cli.privacyVaults'), `sen --node ${nodeUrl()} privacy vaults ${did}`),
    h('p', {}, h('a', { href: `#/privacy/controller/${did}` }, t('privacy.audit.toQueue'))));
}

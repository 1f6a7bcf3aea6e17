// The journey as a timeline: each event with its business step, its time, its place, what it did
// to the product, whether the chain proves it, and its receipt to download. An event declared
// wrong is shown with its correction, never hidden.

import { get } from '../api.js';
import { h } from '../dom.js';
import { t, num } from '../i18n.js';
import { canonicalKey, keyPath } from './gs1.js';
import { eventTime, placeName, placeOf, quantityText, textWith, vietnamTime } from './format.js';

const STEPS = new Set([
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning', 'decommissioning',
  'departing', 'destroying', 'dispensing', 'holding', 'inspecting', 'loading', 'packing', 'picking',
  'receiving', 'repackaging', 'retail_selling', 'sampling', 'sensor_reporting', 'shipping', 'stocking',
  'storing', 'transforming', 'transporting', 'unloading', 'unpacking', 'other',
]);
const CHECKS = new Set(['format', 'chain', 'validators', 'commit', 'inclusion', 'result', 'transaction', 'event', 'capture', 'entitlement']);

/**
 * The view's events as timeline items, in the view's order: an event and the error declarations
 * that share its eventID become one item ({entry, declarations, number}).
 */
export function timelineItems(view) {
  const groups = new Map();
  for (const entry of view.events) {
    if (!groups.has(entry.eventID)) groups.set(entry.eventID, []);
    groups.get(entry.eventID).push(entry);
  }
  return [...groups.values()].map((entries, i) => {
    const declarations = entries.filter((e) => e.errorDeclaration);
    const entry = entries.find((e) => !e.errorDeclaration) || declarations[0];
    return { entry, declarations, number: i + 1 };
  });
}

/** The business step in words: a transformation says so whatever its step. */
export function stepName(entry) {
  if (entry.type === 'TransformationEvent') return t('trace.step.transforming');
  if (entry.bizStep && STEPS.has(entry.bizStep)) return t(`trace.step.${entry.bizStep}`);
  return t('trace.step.unknown', { type: entry.bizStep || entry.type || '?' });
}

/** Whose items an event names, with their quantities: [{key, text}] for one list. */
function named(event, epcList, quantityList) {
  const found = [];
  for (const epc of event[epcList] || []) {
    found.push({ key: canonicalKey(epc), text: t('trace.unit.piece', { count: num(1) }), id: epc });
  }
  for (const item of event[quantityList] || []) {
    if (item && typeof item.epcClass === 'string') {
      found.push({ key: canonicalKey(item.epcClass), text: quantityText(item) || '', id: item.epcClass });
    }
  }
  return found;
}

function productLink(key) {
  return h('a', { href: `/${keyPath(key)}`, class: 'key' }, key);
}

/** The amounts of this product an event names; others' with a link to their own page. */
function amounts(list, pageKey) {
  const mine = list.filter((n) => n.key === pageKey);
  const others = list.filter((n) => n.key !== pageKey);
  const parts = [];
  if (mine.length) parts.push(h('span', { class: 'line' }, mine.map((n) => n.text).join(' + ')));
  for (const other of others) {
    parts.push(h('span', { class: 'line' }, other.key ? [`${other.text} · `, productLink(other.key)] : `${other.text} · ${other.id}`));
  }
  return parts.length ? parts : null;
}

function whatItDid(entry, pageKey) {
  const event = entry.event || {};
  const rows = [];
  if (entry.type === 'TransformationEvent') {
    rows.push([t('trace.event.used'), amounts(named(event, 'inputEPCList', 'inputQuantityList'), pageKey)]);
    rows.push([t('trace.event.made'), amounts(named(event, 'outputEPCList', 'outputQuantityList'), pageKey)]);
  } else if (entry.type === 'AggregationEvent') {
    const children = named(event, 'childEPCs', 'childQuantityList').filter((n) => n.key === pageKey);
    rows.push([t('trace.event.quantity'), amounts(children, pageKey)]);
    const parent = canonicalKey(event.parentID);
    if (parent) rows.push([t('trace.event.packedInto'), productLink(parent)]);
  } else {
    const items = named(event, 'epcList', 'quantityList').filter((n) => n.key === pageKey);
    rows.push([t('trace.event.quantity'), amounts(items, pageKey)]);
  }
  return rows.filter(([, value]) => value);
}

function facts(rows) {
  const list = h('dl', { class: 'event-facts' });
  for (const [label, value] of rows) list.append(h('dt', {}, label), h('dd', {}, value));
  return list;
}

/** One proof status, as a paragraph: verified (block and time), pending, failed, unknown. */
export function proofStatus(proof) {
  const status = proof && proof.status;
  if (status === 'verified') {
    return h('p', { class: 'proof ok', dataset: { status } },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, '✓'),
      h('strong', {}, t('trace.proof.verified')), ' · ',
      textWith('trace.proof.verifiedAt', { height: num(proof.height), time: vietnamTime(proof.time) }));
  }
  if (status === 'pending') {
    return h('p', { class: 'proof pending', dataset: { status } },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, '…'),
      h('strong', {}, t('trace.proof.pending')), h('span', { class: 'line hint' }, t('trace.proof.pendingText')));
  }
  if (status === 'failed') {
    const check = CHECKS.has(proof.check) ? t(`trace.check.${proof.check}`) : String(proof.check || '?');
    return h('div', { class: 'proof failed', role: 'alert', dataset: { status } },
      h('p', {}, h('span', { class: 'mark', 'aria-hidden': 'true' }, '✗'), h('strong', {}, t('trace.proof.failed'))),
      h('p', {}, t('trace.proof.failedText', { check })),
      proof.reason ? h('p', { class: 'detail' }, h('code', {}, String(proof.reason))) : null);
  }
  return h('p', { class: 'proof unknown', dataset: { status: 'unknown' } },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, '?'),
    h('strong', {}, t('trace.proof.unknown')), h('span', { class: 'line hint' }, t('trace.proof.unknownText')));
}

function fileName(eventId, index) {
  const hash = /sha-256;([0-9a-f]{12})/.exec(eventId);
  const stem = hash ? hash[1] : eventId.replace(/[^A-Za-z0-9]+/g, '-').slice(-24);
  return `event-${stem}${index ? `-${index + 1}` : ''}.receipt.json`;
}

/** Download one of an event's receipts as its own file (what sen verify reads): the answer
 * lists the event's receipt, then its error declarations'. */
async function download(eventId, index) {
  const receipts = await get(`/trace/v1/receipts?eventID=${encodeURIComponent(eventId)}`);
  const receipt = receipts[index];
  if (!receipt) return;
  const blob = new Blob([JSON.stringify(receipt, null, 1)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName(eventId, index), hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function receiptLink(eventId, index, text, label) {
  const href = `/trace/v1/receipts?eventID=${encodeURIComponent(eventId)}`;
  const link = h('a', { href, class: 'receipt-link', 'aria-label': label, 'aria-describedby': 'receipt-hint' }, text);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    download(eventId, index).catch((err) => {
      console.error(err);
      window.location.assign(href); // the list as JSON: still the receipts
    });
  });
  return link;
}

function correction(item, byId) {
  const declaration = item.declarations[0].errorDeclaration;
  const reason = typeof declaration.reason === 'string' ? declaration.reason.replace(/^.*[:/]/, '') : '';
  const reasonText = reason && t(`trace.reason.${reason}`) !== `trace.reason.${reason}` ? t(`trace.reason.${reason}`) : reason;
  const corrective = (declaration.correctiveEventIDs || []).map((id) => {
    const target = byId.get(id);
    return h('li', {}, target ? h('a', { href: `#event-${target.number}` }, `${stepName(target.entry)} · `, vietnamTime(target.entry.eventTime)) : h('code', { class: 'hash' }, id));
  });
  return h('div', { class: 'correction' },
    h('p', {}, textWith('trace.corrected.text', { time: vietnamTime(declaration.declarationTime) })),
    reasonText ? h('p', {}, h('strong', {}, `${t('trace.corrected.reason')}: `), reasonText) : null,
    corrective.length ? [h('p', { class: 'correction-by' }, h('strong', {}, t('trace.corrected.by'))), h('ul', {}, corrective)] : null,
    item.declarations.map((d) => proofStatus(d.proof)));
}

function eventItem(item, pageKey, byId) {
  const { entry, number } = item;
  const place = placeOf(entry);
  const corrected = item.declarations.length > 0;
  const titleId = `event-${number}-title`;
  const rows = [];
  if (place) rows.push([t('trace.event.place'), placeName(place)]);
  rows.push(...whatItDid(entry, pageKey));
  if (entry.capturer) rows.push([t('trace.event.capturer'), h('span', { class: 'did' }, entry.capturer)]);
  const links = [receiptLink(entry.eventID, 0, t('trace.event.receipt'), t('trace.event.receiptLabel', { number }))];
  item.declarations.forEach((_, i) => links.push(' ', receiptLink(entry.eventID, i + 1, t('trace.event.declarationReceipt'),
    t('trace.event.declarationReceiptLabel', { number }))));
  return h('li', { id: `event-${number}`, class: corrected ? 'timeline-event corrected' : 'timeline-event', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, h('span', { class: 'step-number' }, `${num(number)}. `), stepName(entry)),
    h('p', { class: 'badges' },
      entry.relation && entry.relation !== 'self' ? h('span', { class: 'badge info' }, t(`trace.relation.${entry.relation}`)) : null,
      corrected ? h('span', { class: 'badge warn' }, t('trace.corrected.badge')) : null),
    eventTime(entry.event || entry),
    facts(rows),
    h('div', { class: 'proof-box', id: `proof-${number}` }, proofStatus(entry.proof)),
    corrected ? correction(item, byId) : null,
    h('p', { class: 'receipt-links' }, links),
    h('details', { class: 'event-data' },
      h('summary', {}, t('trace.event.details')),
      h('p', { class: 'hash' }, `${t('trace.event.id')}: ${entry.eventID}`),
      h('pre', { tabindex: '0', class: 'json' }, h('code', {}, JSON.stringify(entry.event, null, 2)))));
}

/** The timeline section; items from timelineItems(view). */
export function timeline(view, items) {
  const byId = new Map(items.map((item) => [item.entry.eventID, item]));
  return h('section', { class: 'card journey', 'aria-labelledby': 'journey-title' },
    h('h2', { id: 'journey-title' }, t('trace.journey.title')),
    h('p', { class: 'hint' }, t('trace.journey.count', { count: num(items.length) })),
    h('p', { class: 'hint', id: 'receipt-hint' }, t('trace.journey.receiptHint')),
    h('ol', { class: 'timeline', id: 'timeline' }, items.map((item) => eventItem(item, view.key, byId))));
}

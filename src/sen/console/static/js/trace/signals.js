// Signals that something is wrong with the scanned product (a serial sold twice, scanned again
// after its sale, more packed than produced), shown first, each with its evidence to expand.

import { h } from '../dom.js';
import { t, num } from '../i18n.js';
import { placeName, placeOf, quantityText, vietnamTime } from './format.js';
import { stepName } from './timeline.js';

const KINDS = new Set(['sold-twice', 'scanned-after-sale', 'quantities-do-not-add-up']);
const FLOW = /^(\S+) (\S*) ?(packed|shipped|processed), but (\S+) (\S*) ?produced$/;
const SCANS = /^(\d+) scans$/;

function amount(text, unit) {
  const value = Number(text);
  return Number.isFinite(value) ? quantityText({ quantity: value, uom: unit }) : `${text} ${unit}`;
}

/** The signal's explanation in the page's language, from its evidence (or its detail). */
function explanation(signal, items) {
  const evidence = signal.evidence || [];
  if (signal.kind === 'sold-twice') {
    const places = new Set(evidence.map((id) => items.get(id)).filter(Boolean)
      .map((item) => (placeOf(item.entry) || { id: item.entry.eventID }).id));
    return t('trace.signal.sold-twiceText', { count: num(places.size || evidence.length) });
  }
  if (signal.kind === 'scanned-after-sale') {
    const scans = evidence.map((e) => SCANS.exec(e)).find(Boolean);
    return scans ? t('trace.signal.scanned-after-saleText', { count: num(Number(scans[1])) }) : signal.detail;
  }
  const flow = FLOW.exec(signal.detail || '');
  if (signal.kind === 'quantities-do-not-add-up' && flow) {
    return t('trace.signal.quantities-do-not-add-upText', {
      flow: t(`trace.signal.flow.${flow[3]}`), amount: amount(flow[1], flow[2]), produced: amount(flow[4], flow[5]),
    });
  }
  return signal.detail || '';
}

function evidenceItem(id, items) {
  const item = items.get(id);
  if (item) {
    const place = placeOf(item.entry);
    return h('li', {}, h('a', { href: `#event-${item.number}` }, `${stepName(item.entry)} · `, vietnamTime(item.entry.eventTime)),
      place ? h('span', { class: 'line' }, placeName(place)) : null, h('span', { class: 'line hash' }, id));
  }
  const scans = SCANS.exec(id);
  return h('li', {}, scans ? t('trace.signal.scans', { count: num(Number(scans[1])) }) : h('span', { class: 'hash' }, id));
}

function signalBox(signal, index, items) {
  const known = KINDS.has(signal.kind);
  const danger = signal.severity !== 'warning';
  const evidence = signal.evidence || [];
  return h('div', { class: `notice ${danger ? 'bad' : 'warn'} signal`, id: `signal-${index + 1}`, dataset: { kind: signal.kind } },
    h('h3', {}, h('span', { class: 'mark', 'aria-hidden': 'true' }, '⚠ '), known ? t(`trace.signal.${signal.kind}`) : t('trace.signal.unknown')),
    h('p', {}, explanation(signal, items)),
    h('details', { class: 'evidence' },
      h('summary', {}, t('trace.signal.evidence', { count: num(evidence.length) })),
      h('ul', {}, evidence.map((id) => evidenceItem(id, items))),
      signal.detail ? h('p', { class: 'detail' }, `${t('trace.signal.detail')}: `, h('code', {}, signal.detail)) : null));
}

/** The warnings section (role=alert: announced as the page opens); null when there are none. */
export function signalsSection(view, timelineItems) {
  if (!view.signals || view.signals.length === 0) return null;
  const items = new Map(timelineItems.map((item) => [item.entry.eventID, item]));
  return h('section', { class: 'signals', id: 'signals', role: 'alert', 'aria-labelledby': 'signals-title' },
    h('h2', { id: 'signals-title' }, t('trace.signals.title')),
    view.signals.map((signal, i) => signalBox(signal, i, items)));
}

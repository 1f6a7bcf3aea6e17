// How the consumer page says things: times (Vietnam time, and the event's own offset),
// quantities, places and declared attributes, in the page's language.

import { h } from '../dom.js';
import { t, num, locale, parseTime } from '../i18n.js';

const VIETNAM = 'Asia/Ho_Chi_Minh';
const VIETNAM_OFFSET = '+07:00';
const UNITS = { KGM: 'kg', GRM: 'g', TNE: 't', LTR: 'l', MLT: 'ml', MTR: 'm', MTQ: 'm³' };
const ADDRESS = ['streetAddressOne', 'streetAddressTwo', 'streetAddressThree', 'city', 'state', 'postalCode', 'countryCode'];

function clock(date, timeZone) {
  return new Intl.DateTimeFormat(locale(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
  }).format(date);
}

/** A date and time in Vietnam time, as a <time> element. */
export function vietnamTime(iso) {
  const date = parseTime(iso);
  return h('time', { datetime: iso, class: 'nowrap-time' }, date ? clock(date, VIETNAM) : String(iso));
}

/** A day in Vietnam time (a certificate's validity), as a <time> element. */
export function vietnamDate(iso) {
  const date = parseTime(iso);
  const text = date
    ? new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: VIETNAM }).format(date)
    : String(iso);
  return h('time', { datetime: iso, class: 'nowrap-time' }, text);
}

/** '+05:30' -> minutes east of UTC; null when it is not an offset. */
function offsetMinutes(offset) {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset || '');
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** A text whose {placeholders} are nodes (a <time>, a link), as a list of children for h(). */
export function textWith(key, nodes) {
  const parts = t(key).split(/\{(\w+)\}/);
  return parts.map((part, i) => (i % 2 === 1 ? (nodes[part] ?? `{${part}}`) : part)).filter((part) => part !== '');
}

/** When an event happened: Vietnam time, its own offset, and its local time when that differs. */
export function eventTime(event) {
  const iso = event.eventTime;
  const offset = event.eventTimeZoneOffset;
  const lines = [h('span', { class: 'line' }, textWith('trace.time.vietnam', { time: vietnamTime(iso) }))];
  const minutes = offsetMinutes(offset);
  const date = parseTime(iso);
  if (minutes !== null && date && offset !== VIETNAM_OFFSET) {
    const local = clock(new Date(date.getTime() + minutes * 60000), 'UTC');
    lines.push(h('span', { class: 'line hint' }, t('trace.time.local', { time: local, offset })));
  } else if (minutes !== null) {
    lines.push(h('span', { class: 'line hint' }, t('trace.time.offset', { offset })));
  }
  return h('p', { class: 'event-time' }, lines);
}

export function quantityText(item) {
  if (!item || typeof item.quantity !== 'number') return null;
  const unit = UNITS[item.uom];
  if (unit) return `${num(item.quantity)} ${unit}`;
  if (!item.uom) return t('trace.unit.piece', { count: num(item.quantity) });
  return `${num(item.quantity)} ${item.uom}`;
}

function countryName(code) {
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}

/** A declared attribute's value as text: strings and numbers as they are, objects' values. */
export function attributeText(name, value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    return Object.entries(value).filter(([k]) => !k.startsWith('@') && k !== 'type')
      .map(([k, v]) => attributeText(k, v)).filter(Boolean).join(', ');
  }
  const text = String(value);
  if (/country(Code|OfOrigin)$/i.test(name) && /^[A-Z]{2}$/.test(text)) return countryName(text);
  return text;
}

/** 'cbvmda:descriptionShort' -> its label in the page's language, else the attribute's id. */
export function attributeLabel(name) {
  const short = name.replace(/^cbvmda:/, '');
  const key = `trace.attr.${short}`;
  const label = t(key);
  return label === key ? name : label;
}

/** The newest declaration of a place's master data, and the place's id. */
export function placeOf(entry) {
  for (const role of ['bizLocation', 'readPoint']) {
    const where = entry.event && entry.event[role];
    if (where && typeof where.id === 'string') {
      const declared = (entry.places && entry.places[role]) || [];
      return { id: where.id, declaration: declared[0] || null };
    }
  }
  return null;
}

export function placeName(place) {
  const attributes = place.declaration ? place.declaration.attributes : {};
  return attributeText('name', attributes['cbvmda:name']) || t('trace.place.unnamed', { id: place.id });
}

export function placeAddress(place) {
  if (!place.declaration) return '';
  const attributes = place.declaration.attributes;
  return ADDRESS.map((name) => attributeText(name, attributes[`cbvmda:${name}`])).filter(Boolean).join(', ');
}

export function placeCoordinates(place) {
  if (!place.declaration) return '';
  const { 'cbvmda:latitude': latitude, 'cbvmda:longitude': longitude } = place.declaration.attributes;
  if (latitude === undefined || longitude === undefined) return '';
  return t('trace.origin.coordinatesText', { latitude: String(latitude), longitude: String(longitude) });
}

/** Label–value rows as a definition list; a row without a value is left out. */
export function facts(rows) {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === '') continue;
    list.append(h('dt', {}, label), h('dd', {}, value));
  }
  return list;
}

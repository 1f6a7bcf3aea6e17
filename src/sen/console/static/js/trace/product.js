// The product as its business declared it (master data: declared, not proven), and where it
// comes from: the first commissioning event of the scanned key itself and its place.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { describeKey } from './gs1.js';
import {
  attributeLabel, attributeText, eventTime, facts, placeAddress, placeCoordinates, placeName, placeOf, textWith,
} from './format.js';

const NAMES = ['cbvmda:descriptionShort', 'cbvmda:regulatedProductName', 'cbvmda:labelDescription',
  'cbvmda:functionalName', 'cbvmda:name'];

/** The product's name as declared (the newest declaration that has one). */
export function productName(view) {
  for (const declaration of [...view.item, ...view.product]) {
    for (const name of NAMES) {
      const text = attributeText(name, declaration.attributes[name]);
      if (text) return text;
    }
  }
  return '';
}

/** What the scanned key is, in words: "Lot L2026-06 · product code (GTIN) 18935678012347". */
export function keyText(key) {
  const described = describeKey(key);
  return t(`trace.key.${described.kind}`, described);
}

function declaredBy(did) {
  return h('p', { class: 'declared' }, textWith('trace.declaredBy', { did: h('span', { class: 'did' }, did) }));
}

function declaration(entry) {
  const rows = Object.entries(entry.attributes).map(([name, value]) => [attributeLabel(name), attributeText(name, value)]);
  return h('div', { class: 'declaration' }, facts(rows), declaredBy(entry.declared_by));
}

/** The product card: every declaration of the product (and of this very item), each with its DID. */
export function productCard(view) {
  const declarations = [...view.item, ...view.product];
  return h('section', { class: 'card', 'aria-labelledby': 'product-title', id: 'product' },
    h('h2', { id: 'product-title' }, t('trace.product.title')),
    declarations.length ? declarations.map(declaration) : h('p', { class: 'empty' }, t('trace.noMasterData')),
    h('p', { class: 'hint' }, t('trace.declaredNote')));
}

function commissioned(view, relation) {
  return view.events.find((e) => e.relation === relation && e.bizStep === 'commissioning' && !e.errorDeclaration);
}

function placeRows(place) {
  return [
    [t('trace.origin.place'), placeName(place)],
    [t('trace.origin.address'), placeAddress(place)],
    [t('trace.origin.coordinates'), placeCoordinates(place)],
  ];
}

/** Producer and origin: the first commissioning of the key itself (and of its raw material). */
export function originCard(view) {
  // The event that made the key, as the repository marks it (an ObjectEvent ADD naming it or
  // a transformation's output): a step merely called "commissioning" proves nothing.
  const origin = view.events.find((e) => e.origin === true && !e.errorDeclaration);
  const body = [];
  if (!origin) {
    body.push(h('p', { class: 'empty' }, t('trace.origin.none')));
  } else {
    const place = placeOf(origin);
    body.push(facts([
      [t('trace.origin.producer'), origin.capturer ? h('span', { class: 'did' }, origin.capturer) : null],
      ...(place ? placeRows(place) : []),
      [t('trace.origin.when'), eventTime(origin.event || origin)],
    ]));
    if (place && place.declaration) body.push(declaredBy(place.declaration.declared_by));
    const raw = origin.type === 'TransformationEvent' ? commissioned(view, 'made-from') : null;
    const rawPlace = raw ? placeOf(raw) : null;
    if (rawPlace) {
      body.push(h('h3', {}, t('trace.origin.rawFrom')), facts(placeRows(rawPlace)));
      if (rawPlace.declaration) body.push(declaredBy(rawPlace.declaration.declared_by));
    }
  }
  return h('section', { class: 'card', 'aria-labelledby': 'origin-title', id: 'origin' },
    h('h2', { id: 'origin-title' }, t('trace.origin.title')), body);
}

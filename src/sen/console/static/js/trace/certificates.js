// The certificates shown beside the product: OCOP star ratings, VietGAP and organic
// certificates (verifiable credentials signed by an authority the chain accredits), each with
// what it is about, who issued it, when it is valid, and its status as the chain says it at
// this view. Only a verified certificate looks good: any other has no stars, its name struck
// through (or, when the chain could not be asked, plain) and says why in words.

import { h } from '../dom.js';
import { t, num } from '../i18n.js';
import { describeKey, glnOf } from './gs1.js';
import { attributeText, facts, textWith, vietnamDate, vietnamTime } from './format.js';

const KINDS = { OCOPCertificate: 'ocop', VietGAPCertificate: 'vietgap', OrganicCertificate: 'organic' };
const STATUSES = new Set(['verified', 'revoked', 'suspended', 'not-accredited', 'expired', 'not-yet-valid', 'invalid', 'unknown']);
const TONES = {
  verified: 'ok', revoked: 'bad', invalid: 'bad', 'not-accredited': 'bad', suspended: 'warn', expired: 'warn', 'not-yet-valid': 'warn', unknown: 'unknown',
};
const MARKS = { ok: '✓', bad: '⚠', warn: '⚠', unknown: '?' };
const CLAIMS = ['standard', 'certificateNumber', 'scope'];
const MOST_STARS = 5;

/** The status the page shows: the view's, or unknown for anything it does not know. */
function statusOf(certificate) {
  return STATUSES.has(certificate.status) ? certificate.status : 'unknown';
}

/** An OCOP rating's stars (1 to 5), or null when the certificate states none. */
function stars(certificate) {
  const types = certificate.types || [];
  const value = certificate.claims ? certificate.claims.ocopRating : undefined;
  return types.includes('OCOPCertificate') && Number.isInteger(value) && value >= 1 && value <= MOST_STARS ? value : null;
}

function kindNames(certificate) {
  const types = certificate.types && certificate.types.length ? certificate.types : ['?'];
  return types.map((type) => (KINDS[type] ? t(`trace.cert.kind.${KINDS[type]}`) : type)).join(' · ');
}

/** The heading: a verified OCOP rating as stars (their number as text for screen readers);
 * any other in words, struck through unless it is verified or could not be checked. */
function heading(certificate, status, id) {
  const names = kindNames(certificate);
  const rating = stars(certificate);
  if (status === 'verified' && rating !== null) {
    return h('h3', { id },
      h('span', { 'aria-hidden': 'true' }, `${names} `,
        h('span', { class: 'stars' }, '★'.repeat(rating) + '☆'.repeat(MOST_STARS - rating))),
      h('span', { class: 'visually-hidden' }, t('trace.cert.stars', { count: num(rating) })));
  }
  const text = rating === null ? names : `${names} · ${t('trace.cert.starsText', { count: num(rating) })}`;
  const struck = status !== 'verified' && status !== 'unknown';
  return h('h3', { id }, struck ? h('s', {}, text) : text,
    status === 'verified' ? null : h('span', { class: 'visually-hidden' }, ` — ${t(`trace.cert.status.${status}`)}`));
}

/** What the chain says of it now, first and in colour (a revoked or forged one as an alert). */
function statusBox(status) {
  const tone = TONES[status];
  return h('div', { class: `cert-status ${tone}`, role: tone === 'bad' ? 'alert' : null, dataset: { status } },
    h('p', {}, h('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[tone]), h('strong', {}, t(`trace.cert.status.${status}`)),
      status === 'verified' ? `: ${t('trace.cert.status.verifiedText')}` : null),
    status === 'verified' ? null : h('p', {}, t(`trace.cert.status.${status}Text`)));
}

/** The name its business declared for a place whose GLN is `gln`, from the journey. */
function placeNamed(view, gln) {
  for (const entry of view.events || []) {
    for (const role of ['bizLocation', 'readPoint']) {
      const where = entry.event && entry.event[role];
      const declared = entry.places && entry.places[role];
      if (where && glnOf(where.id) === gln && declared && declared[0]) {
        const name = attributeText('name', declared[0].attributes['cbvmda:name']);
        if (name) return name;
      }
    }
  }
  return '';
}

/** What the certificate is about, from its key: this product, a lot, the producer, a place. */
function about(view, key) {
  if (typeof key !== 'string') return null;
  if (key.startsWith('did:')) return textWith('trace.cert.about.producer', { did: h('span', { class: 'did' }, key) });
  const [scheme, digits] = key.split('/');
  if (scheme === '414') {
    const name = placeNamed(view, digits);
    return t(name ? 'trace.cert.about.placeNamed' : 'trace.cert.about.place', { name, gln: digits });
  }
  if (scheme === '417') return t('trace.cert.about.party', { gln: digits });
  const described = describeKey(key);
  if (described.kind === 'lot') return t(key === view.key ? 'trace.cert.about.thisLot' : 'trace.cert.about.lot', described);
  if (described.kind === 'gtin') return t('trace.cert.about.product', described);
  return h('span', { class: 'key' }, key);
}

function issuer(certificate) {
  const did = h('span', { class: 'line did' }, String(certificate.issuer || '?'));
  return certificate.issuerName ? [h('span', { class: 'line' }, certificate.issuerName), did] : did;
}

function validity(certificate) {
  const { validFrom: from, validUntil: until } = certificate;
  if (from && until) return textWith('trace.cert.validFromTo', { from: vietnamDate(from), until: vietnamDate(until) });
  if (from) return textWith('trace.cert.validFrom', { from: vietnamDate(from) });
  if (until) return textWith('trace.cert.validUntil', { until: vietnamDate(until) });
  return null;
}

function claimRows(certificate) {
  const claims = certificate.claims || {};
  return CLAIMS.map((name) => [t(`trace.cert.claim.${name}`), attributeText(name, claims[name])]);
}

/** The verifier's findings, for whoever wants to know exactly what failed. */
function findings(certificate) {
  const errors = (certificate.errors || []).filter((e) => e && typeof e === 'object');
  if (errors.length === 0) return null;
  return h('details', { class: 'evidence' },
    h('summary', {}, t('trace.cert.errors', { count: num(errors.length) })),
    h('ul', {}, errors.map((e) => h('li', {}, h('code', {}, String(e.code || '?')), e.message ? `: ${e.message}` : ''))));
}

function certificateItem(view, certificate, number) {
  const status = statusOf(certificate);
  const titleId = `certificate-${number}-title`;
  const kind = (certificate.types || []).map((type) => KINDS[type]).find(Boolean);
  const named = certificate.name && !(certificate.types || []).includes(certificate.name) ? certificate.name : null;
  return h('li', { class: `certificate ${TONES[status]}`, id: `certificate-${number}`, 'aria-labelledby': titleId, dataset: { status } },
    heading(certificate, status, titleId),
    kind ? h('p', { class: 'hint' }, t(`trace.cert.kindText.${kind}`)) : null,
    statusBox(status),
    facts([
      [t('trace.cert.about'), about(view, certificate.key)],
      [t('trace.cert.name'), named],
      ...claimRows(certificate),
      [t('trace.cert.issuer'), issuer(certificate)],
      [t('trace.cert.validity'), validity(certificate)],
    ]),
    certificate.checkedAt ? h('p', { class: 'hint' }, textWith('trace.cert.checkedAt', { time: vietnamTime(certificate.checkedAt) })) : null,
    findings(certificate));
}

/** The certificates section, near the product; null when nothing is certified. */
export function certificatesSection(view) {
  const certificates = Array.isArray(view.certificates) ? view.certificates : [];
  if (certificates.length === 0) return null;
  return h('section', { class: 'card certificates', id: 'certificates', 'aria-labelledby': 'certificates-title' },
    h('h2', { id: 'certificates-title' }, t('trace.certificates.title')),
    h('p', { class: 'hint' }, t('trace.certificates.note')),
    h('ul', { class: 'certificate-list' }, certificates.map((certificate, i) => certificateItem(view, certificate, i + 1))));
}

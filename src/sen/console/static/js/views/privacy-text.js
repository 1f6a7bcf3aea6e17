// How the personal-data pages write what the chain holds: DIDs as links to their page, ids
// whole (the CLI takes them), and DPV terms (docs/spec/privacy.md §2) with the label of a term
// the console knows beside the term itself, which is what the chain and the CLI take.

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** A DID as a link to its page, broken only where it has hyphens. */
export function didLink(did) {
  return h('a', { href: `#/did/${did}`, class: 'did' }, did);
}

/** A 16-byte id, whole, on one line. */
export function idText(id) {
  return h('code', { class: 'hash nowrap' }, id);
}

/** "Cung cấp dịch vụ (dpv:ServiceProvision)", or the bare term when it has no label here. */
export function termText(term) {
  const key = `term.${term}`;
  const label = t(key);
  return label === key ? h('code', {}, term) : h('span', {}, label, ' ', h('code', {}, `(${term})`));
}

export function termsText(terms) {
  if (!terms.length) return t('none');
  return h('span', {}, terms.map((term, i) => [i ? ', ' : null, termText(term)]));
}

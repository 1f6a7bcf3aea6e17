// A DID (#/did/did:sen:vnu, or a did:key): its document as resolved now (GET /1.0/identifiers/…),
// created / updated / deactivated, and for a did:sen its versions on chain.

import { get, ApiError, isNotFound } from '../api.js';
import { add, h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader, facts, notice, errorBox, table, blockLink, accountLink, timeText, cli, nodeUrl, quoteArg } from '../ui.js';

function when(value) {
  return typeof value === 'string' && value ? timeText(value) : null;
}

/** The resolution result, also when the node answers 410 (deactivated) with it. */
async function resolveDid(did, signal) {
  try {
    return await get(`/1.0/identifiers/${encodeURIComponent(did)}`, { signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 410 && err.problem && err.problem.didDocumentMetadata) return err.problem;
    throw err;
  }
}

export async function page(ctx) {
  const { main, params, signal } = ctx;
  const did = params.did;
  add(main, ...pageHeader(t('did.title'), t('did.lead')), h('p', { class: 'hash', id: 'did-id' }, did));
  let result;
  try {
    result = await resolveDid(did, signal);
  } catch (err) {
    if (signal.aborted) return;
    const notFound = isNotFound(err) || (err instanceof ApiError && err.status === 400);
    add(main, notFound ? notice('warn', t('did.unknownTitle'), h('p', { id: 'did-unknown' }, t('did.unknownText'))) : errorBox(err));
    return;
  }
  const meta = result.didDocumentMetadata || {};
  add(main, h('div', { class: 'card', id: 'did-facts' }, facts([
    [t('did.state'), meta.deactivated ? t('did.deactivated') : t('did.active')],
    [t('did.version'), meta.versionId ? String(meta.versionId) : null],
    [t('did.created'), when(meta.created)],
    [t('did.updated'), when(meta.updated)],
  ])));
  if (did.startsWith('did:sen:')) {
    try {
      const history = await get(`/v1/identity/dids/${encodeURIComponent(did)}/versions`, { signal });
      add(main, table(t('did.versions'), [
        { label: t('did.version'), num: true }, { label: t('evidence.block') }, { label: t('evidence.time') },
        { label: t('did.sender') }, { label: t('did.methods') }, { label: t('did.state') },
      ], history.versions.map((v) => [v.version_id, blockLink(v.height), timeText(v.time), accountLink(v.sender),
        v.methods.join(', '), v.deactivated ? t('did.deactivated') : t('did.active')]), { id: 'did-versions' }));
    } catch (err) {
      if (signal.aborted) return;
      add(main, errorBox(err));
    }
  }
  add(main, h('h2', {}, t('did.document')),
    h('pre', { tabindex: '0', id: 'did-document' }, h('code', {}, JSON.stringify(result.didDocument, null, 2))),
    cli(t('did.cli'), `sen --node ${nodeUrl()} did resolve ${quoteArg(did)}`));
}

// Explorer pages: overview with live blocks and transactions, block, transaction, account,
// an anchored digest, and the search results.

import { get, isNotFound, ApiError } from '../api.js';
import { add, h, replace } from '../dom.js';
import { t, num, lang } from '../i18n.js';
import { anchoringList, receiptCommands } from '../receipts.js';
import { findOrganisation } from './membership.js';
import { resultCodes } from '../state.js';
import {
  pageHeader, facts, table, empty, loading, blockLink, txLink, accountLink, evidenceLink,
  timeText, codeBadge, notice, errorBox, cli, nodeUrl, short, contractLink, codeLink,
} from '../ui.js';

const LIVE_MS = 2000;
const HOME_ROWS = 8;
const LIST_ROWS = 25;

function blockRows(blocks) {
  return blocks.map((b) => [blockLink(b.height), timeText(b.time), num(b.txs),
    b.failed ? num(b.failed) : '0', h('span', { class: 'hash nowrap', title: b.block_id }, short(b.block_id))]);
}

function blockColumns() {
  return [
    { label: t('block.height') }, { label: t('block.time') }, { label: t('block.txs'), num: true },
    { label: t('block.failed'), num: true }, { label: t('block.hash') },
  ];
}

function txRows(txs, withTime = true) {
  return txs.map((x) => [txLink(x.hash), `${x.module}.${x.action}`, accountLink(x.sender),
    blockLink(x.height), withTime ? timeText(x.time) : null, codeBadge(x.code, x.code_name)].filter((c) => c !== null));
}

function txColumns(withTime = true) {
  return [
    { label: t('tx.hash') }, { label: t('tx.action') }, { label: t('tx.sender') },
    { label: t('tx.block') }, withTime ? { label: t('tx.time') } : null, { label: t('tx.result') },
  ].filter((c) => c !== null);
}

export async function home(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('home.title'), t('home.lead')));
  const cards = h('div', { class: 'grid' });
  const blocksBox = h('section', { 'aria-labelledby': 'latest-blocks' });
  const txsBox = h('section', { 'aria-labelledby': 'latest-txs' });
  add(main, cards,
    h('p', {}, h('a', { class: 'button', href: '#/verify' }, t('home.verifyCta'))),
    h('div', { class: 'grid-2' }, blocksBox, txsBox),
    h('p', { class: 'hint' }, t('home.live')));
  let seenBlocks = new Set();
  let seenTxs = new Set();
  let lastHeight = -1;
  let first = true;
  const refresh = async () => {
    const status = await get('/v1/status', { signal: ctx.signal });
    replace(cards,
      stat(t('home.chain'), status.chain_id),
      stat(t('home.height'), num(status.height)),
      stat(t('home.latestTime'), status.latest_block_time ? timeText(status.latest_block_time) : t('none'), true),
      stat(t('home.mempool'), num(status.mempool.txs)));
    if (status.height === lastHeight) return;
    lastHeight = status.height;
    const [blocks, txs] = await Promise.all([
      get(`/v1/blocks?limit=${HOME_ROWS}`, { signal: ctx.signal }),
      get(`/v1/txs?limit=${HOME_ROWS}`, { signal: ctx.signal }),
    ]);
    const fresh = (seen, key) => (i) => (!first && !seen.has(key(i)) ? 'fresh' : null);
    replace(blocksBox,
      h('h2', { id: 'latest-blocks' }, t('home.latestBlocks')),
      blocks.blocks.length ? table(t('home.latestBlocks'), blockColumns(), blockRows(blocks.blocks),
        { id: 'blocks-table', rowClass: fresh(seenBlocks, (i) => blocks.blocks[i].height) }) : empty(t('home.noBlocks')),
      h('p', {}, h('a', { href: '#/blocks' }, t('home.allBlocks'))));
    replace(txsBox,
      h('h2', { id: 'latest-txs' }, t('home.latestTxs')),
      txs.txs.length ? table(t('home.latestTxs'), txColumns(false), txRows(txs.txs, false),
        { id: 'txs-table', rowClass: fresh(seenTxs, (i) => txs.txs[i].hash) }) : empty(t('home.noTxs')),
      h('p', {}, h('a', { href: '#/txs' }, t('home.allTxs'))));
    seenBlocks = new Set(blocks.blocks.map((b) => b.height));
    seenTxs = new Set(txs.txs.map((x) => x.hash));
    first = false;
  };
  await refresh();
  ctx.every(LIVE_MS, refresh);
}

function stat(label, value, small = false) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: small ? 'value small' : 'value' }, value));
}

export async function blocks(ctx) {
  const { main, query } = ctx;
  const before = Number.parseInt(query.get('before') || '', 10);
  add(main, ...pageHeader(t('blocks.title'), t('blocks.lead')));
  const box = h('div', {}, loading());
  add(main, box);
  const show = async () => {
    const path = Number.isFinite(before) && before > 0
      ? `/v1/blocks?limit=${LIST_ROWS}&before=${before}` : `/v1/blocks?limit=${LIST_ROWS}`;
    const list = await get(path, { signal: ctx.signal });
    const last = list.blocks[list.blocks.length - 1];
    replace(box,
      list.blocks.length ? table(t('blocks.title'), blockColumns(), blockRows(list.blocks), { id: 'blocks-table' })
        : empty(t('home.noBlocks')),
      h('nav', { class: 'pager', 'aria-label': t('pager.label') },
        Number.isFinite(before) ? h('a', { href: '#/blocks' }, t('pager.newest')) : null,
        last && last.height > 1 ? h('a', { href: `#/blocks?before=${last.height}` }, t('pager.older')) : null));
  };
  await show();
  if (!Number.isFinite(before)) ctx.every(LIVE_MS, show);
}

export async function block(ctx) {
  const { main, params } = ctx;
  let body;
  try {
    body = await get(`/v1/blocks/${encodeURIComponent(params.height)}`, { signal: ctx.signal });
  } catch (err) {
    add(main, ...pageHeader(t('block.titleN', { height: params.height })));
    add(main, isNotFound(err) ? notice('warn', t('block.notFound'), h('p', {}, t('block.notFoundText')))
      : errorBox(err));
    return;
  }
  const header = body.header;
  add(main, ...pageHeader(t('block.titleN', { height: num(body.height) })));
  add(main, h('div', { class: 'card' }, facts([
    [t('block.height'), num(body.height)],
    [t('block.time'), timeText(header.time)],
    [t('block.hash'), h('span', { class: 'hash' }, body.block_id)],
    [t('block.chain'), header.chain_id],
    [t('block.proposer'), h('a', { class: 'hash', href: `#/validator/${header.proposer_address.toLowerCase()}` }, header.proposer_address.toLowerCase())],
    [t('block.appHash'), h('span', { class: 'hash' }, header.app_hash.toLowerCase())],
    [t('block.dataHash'), h('span', { class: 'hash' }, (header.data_hash || '').toLowerCase())],
    [t('block.resultsHash'), h('span', { class: 'hash' }, (header.last_results_hash || '').toLowerCase())],
    [t('block.signatures'), body.commit ? num((body.commit.signatures || []).length) : t('block.noCommit')],
  ])));
  add(main, h('h2', {}, t('block.txsTitle')));
  add(main, body.txs.length
    ? table(t('block.txsTitle'), [{ label: '#', num: true }, { label: t('tx.hash') }, { label: t('tx.result') }],
      body.txs.map((hash, i) => [num(i), txLink(hash, true), codeBadge(body.results[i].code, body.results[i].code_name)]),
      { id: 'block-txs' })
    : empty(t('block.noTxs')));
  add(main, h('nav', { class: 'pager', 'aria-label': t('pager.label') },
    body.height > 1 ? h('a', { href: `#/block/${body.height - 1}` }, t('pager.previousBlock')) : null,
    h('a', { href: `#/block/${body.height + 1}` }, t('pager.nextBlock'))));
  add(main, cli(t('cli.blockShow'), `sen --node ${nodeUrl()} block show ${body.height}`));
}

export async function txs(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('txs.title'), t('txs.lead')));
  const box = h('div', {}, loading());
  add(main, box);
  const show = async () => {
    const list = await get(`/v1/txs?limit=${LIST_ROWS}`, { signal: ctx.signal });
    replace(box, list.txs.length ? table(t('txs.title'), txColumns(), txRows(list.txs), { id: 'txs-table' })
      : empty(t('home.noTxs')));
  };
  await show();
  ctx.every(LIVE_MS, show);
}

/** Uploaded code (hex): Python source, or a WebAssembly component ("\0asm"). */
function codeSize(hex) {
  const wasm = hex.startsWith('0061736d');
  return t(wasm ? 'tx.contractComponentSize' : 'tx.contractSourceSize', { size: num(hex.length / 2) });
}

function argValue(tx, key, value) {
  if (tx.module === 'contracts' && typeof value === 'string') {
    if (key === 'contract' && /^[0-9a-f]{40}$/.test(value)) return contractLink(value, true);
    if (key === 'code' && /^[0-9a-f]{64}$/.test(value)) return codeLink(value, true);
    if (key === 'admin' && value) return accountLink(value, true);
    if (key === 'source') return codeSize(value);
  }
  if (tx.module === 'evidence' && key === 'digest' && typeof value === 'string') {
    return evidenceLink(tx.args.algorithm || 'sha-256', value, true);
  }
  if (tx.module === 'evidence' && key === 'digests' && Array.isArray(value)) {
    return h('ol', {}, value.map((d) => h('li', {}, evidenceLink(tx.args.algorithm || 'sha-256', d, true))));
  }
  if (typeof value === 'string') return value === '' ? t('none') : value;
  return h('code', {}, JSON.stringify(value));
}

export async function tx(ctx) {
  const { main, params } = ctx;
  const hash = params.hash.toLowerCase();
  add(main, ...pageHeader(t('tx.title')));
  const box = h('div', {}, loading());
  add(main, box);
  const show = async () => {
    let body;
    try {
      body = await get(`/v1/txs/${encodeURIComponent(hash)}`, { signal: ctx.signal });
    } catch (err) {
      if (isNotFound(err)) {
        replace(box, notice('warn', t('tx.notFound'), h('p', {}, t('tx.notFoundText')), h('p', { class: 'hash' }, hash)));
      } else {
        replace(box, errorBox(err));
      }
      return true;
    }
    const codes = await resultCodes().catch(() => new Map());
    let time = null;
    if (body.height) {
      const blockBody = await get(`/v1/blocks/${body.height}`, { signal: ctx.signal }).catch(() => null);
      time = blockBody ? blockBody.header.time : null;
    }
    const decoded = body.tx;
    const result = body.result;
    const meaning = result ? codes.get(result.code) : null;
    replace(box,
      h('div', { class: 'card' }, facts([
        [t('tx.hash'), h('span', { class: 'hash' }, body.hash)],
        [t('tx.status'), body.status === 'committed' ? h('span', { class: 'badge ok' }, t('tx.committed'))
          : h('span', { class: 'badge neutral' }, t('tx.pending'))],
        [t('tx.block'), body.height ? blockLink(body.height) : t('tx.notYet')],
        [t('tx.index'), body.index === null ? null : num(body.index)],
        [t('tx.time'), time ? timeText(time) : null],
        [t('tx.action'), decoded ? `${decoded.module}.${decoded.action}` : null],
        [t('tx.sender'), decoded ? accountLink(decoded.sender, true) : null],
        [t('tx.nonce'), decoded ? num(decoded.nonce) : null],
        [t('tx.suite'), decoded ? decoded.suite : null],
        [t('tx.publicKey'), decoded ? h('span', { class: 'hash' }, decoded.public_key) : null],
        [t('tx.chain'), decoded ? decoded.chain_id : null],
      ])),
      h('h2', {}, t('tx.args')),
      decoded ? table(t('tx.args'), [{ label: t('tx.argName') }, { label: t('tx.argValue') }],
        Object.entries(decoded.args).map(([k, v]) => [h('code', {}, k), argValue(decoded, k, v)]), { id: 'tx-args' })
        : empty(t('tx.undecodable')),
      h('h2', {}, t('tx.result')),
      result ? h('div', { class: 'card' }, facts([
        [t('tx.code'), h('span', {}, codeBadge(result.code, result.code_name), ' ', h('code', {}, `${result.code} ${result.code_name}`))],
        [t('tx.meaning'), meaning ? meaning[lang()] : result.code_name],
        [t('tx.log'), result.log || null],
        [t('tx.data'), result.data ? h('span', { class: 'hash' }, result.data) : null],
        [t('tx.gas'), result.gas_wanted > 0 ? h('span', { id: 'tx-gas' },
          t('tx.gasValue', { used: num(result.gas_used), wanted: num(result.gas_wanted) })) : null],
      ])) : empty(t('tx.noResultYet')),
      decoded && decoded.module === 'contracts' ? contractCall(decoded, result) : null,
      h('h2', {}, t('tx.events')),
      result && result.events.length ? table(t('tx.events'), [{ label: t('tx.eventType') }, { label: t('tx.eventAttributes') }],
        result.events.map((e) => [h('code', {}, e.type),
          h('ul', {}, e.attributes.map((a) => h('li', {}, h('code', {}, a.key), ' = ', a.value)))]), { id: 'tx-events' })
        : empty(t('tx.noEvents')),
      cli(t('cli.txShow'), `sen --node ${nodeUrl()} tx show ${body.hash}`));
    return body.status === 'committed';
  };
  let settled = await show();
  if (!settled) {
    ctx.every(LIVE_MS, async () => {
      if (!settled) settled = await show();
    });
  }
}

/** Result data (hex) as the contract's JSON answer; the text itself if it is not JSON. */
function answerOf(data) {
  if (!data || data.length % 2 !== 0) return null;
  const raw = new Uint8Array(data.match(/../g).map((pair) => Number.parseInt(pair, 16)));
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function jsonBlock(id, value) {
  return h('pre', { class: 'json', id, tabindex: '0' }, h('code', {}, value));
}

/** A `contracts` transaction decoded: what it called, with what, what came back and what it emitted. */
function contractCall(decoded, result) {
  const { action, args } = decoded;
  const ok = result && result.code === 0;
  const data = ok ? result.data : '';
  const rows = [
    [t('tx.contract'), typeof args.contract === 'string' ? contractLink(args.contract, true) : null],
    [t('tx.contractAddress'), action === 'instantiate' && /^[0-9a-f]{40}$/.test(data) ? contractLink(data, true) : null],
    [t('tx.contractCode'), typeof args.code === 'string' ? codeLink(args.code, true)
      : action === 'upload' && /^[0-9a-f]{64}$/.test(data) ? codeLink(data, true) : null],
    [t('tx.contractSource'), typeof args.source === 'string' ? codeSize(args.source) : null],
    [t('tx.contractEntry'), typeof args.entry === 'string' ? h('code', { id: 'tx-contract-entry' }, args.entry) : null],
    [t('tx.contractLabel'), action === 'instantiate' ? args.label || t('none') : null],
    [t('tx.contractAdmin'), action === 'instantiate' ? (args.admin ? accountLink(args.admin, true) : t('contract.immutable')) : null],
    [t('tx.contractArgs'), args.args !== undefined ? jsonBlock('tx-contract-args', JSON.stringify(args.args, null, 2)) : null],
    [t('tx.contractAnswer'), (action === 'execute' || action === 'migrate') && data ? jsonBlock('tx-contract-answer', answerOf(data)) : null],
  ];
  const emitted = result ? result.events.filter((e) => e.type === 'contract.event') : [];
  const attribute = (e, key) => (e.attributes.find((a) => a.key === key) || {}).value;
  return [
    h('h2', {}, t('tx.contractCall')),
    h('div', { class: 'card', id: 'tx-contract-call' }, facts(rows)),
    action === 'upload' ? null : h('h3', {}, t('tx.contractEvents')),
    action === 'upload' ? null : emitted.length ? table(t('tx.contractEvents'), [
      { label: t('tx.contract') }, { label: t('tx.contractEventKind') }, { label: t('tx.contractEventAttributes') },
    ], emitted.map((e) => [
      contractLink(attribute(e, 'contract') || ''),
      h('code', {}, attribute(e, 'kind') || ''),
      h('ul', {}, e.attributes.filter((a) => a.key !== 'contract' && a.key !== 'kind')
        .map((a) => h('li', {}, h('code', {}, a.key), ' = ', a.value))),
    ]), { id: 'tx-contract-events' }) : empty(t('tx.contractNoEvents')),
  ];
}

export async function account(ctx) {
  const { main, params } = ctx;
  const address = params.address.toLowerCase();
  add(main, ...pageHeader(t('account.title'), t('account.lead')));
  let info;
  let history;
  try {
    [info, history] = await Promise.all([
      get(`/v1/accounts/${encodeURIComponent(address)}`, { signal: ctx.signal }),
      get(`/v1/accounts/${encodeURIComponent(address)}/txs?limit=50`, { signal: ctx.signal }),
    ]);
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  add(main, h('div', { class: 'card' }, facts([
    [t('account.address'), h('span', { class: 'hash' }, info.address)],
    [t('account.nonce'), num(info.nonce)],
    [t('account.pending'), num(info.pending_nonce - info.nonce)],
  ])));
  const contract = /^[0-9a-f]{40}$/.test(address)
    ? await get(`/v1/contracts/instances/${address}`, { signal: ctx.signal }).catch(() => null) : null;
  if (contract) {
    add(main, notice('info', null, h('p', { id: 'account-contract' }, t('account.isContract'), ' ',
      h('a', { href: `#/contracts/${address}` }, t('account.openContract')), contract.label ? ` (${contract.label})` : '')));
  } else if (info.nonce === 0 && info.pending_nonce === 0) {
    add(main, notice('info', null, h('p', {}, t('account.unused'))));
  }
  add(main, h('h2', {}, t('account.history')));
  add(main, history.txs.length ? table(t('account.history'), txColumns(), txRows(history.txs), { id: 'account-txs' })
    : empty(t('home.noTxs')));
}

export async function evidence(ctx) {
  const { main, params } = ctx;
  const algorithm = params.algorithm;
  const digest = params.digest.toLowerCase();
  add(main, ...pageHeader(t('evidence.title'), t('evidence.lead')));
  add(main, h('div', { class: 'card' }, facts([
    [t('evidence.algorithm'), algorithm], [t('evidence.digest'), h('span', { class: 'hash' }, digest)],
  ])));
  try {
    const body = await get(`/v1/evidence/${encodeURIComponent(algorithm)}/${encodeURIComponent(digest)}`, { signal: ctx.signal });
    add(main, notice('ok', t('verify.anchoredTitle', { count: num(body.anchorings.length) }),
      h('p', {}, t('verify.anchoredText'))));
    add(main, anchoringList(algorithm, digest, body.anchorings, ctx.signal));
    add(main, ...receiptCommands(algorithm, digest));
  } catch (err) {
    add(main, isNotFound(err) ? notice('warn', t('verify.unknownTitle'), h('p', {}, t('verify.unknownText')))
      : errorBox(err));
  }
}

const MATCH_ROUTES = {
  block: (m) => `#/block/${m.id}`,
  transaction: (m) => `#/tx/${m.id}`,
  evidence: (m) => `#/evidence/${m.algorithm}/${m.id}`,
  account: (m) => `#/account/${m.id}`,
  validator: (m) => `#/validator/${m.id}`,
  organisation: (m) => `#/org/${m.id}`,
  did: (m) => `#/did/${encodeURIComponent(m.id)}`,
};

export async function search(ctx) {
  const { main, query } = ctx;
  const q = (query.get('q') || '').trim();
  add(main, ...pageHeader(t('search.title')));
  const box = h('div', { id: 'search-result' });
  add(main, box);
  if (!q) {
    add(box, notice('warn', t('search.emptyTitle'), h('p', {}, t('search.hintLong'))));
    return;
  }
  let body;
  const organisation = findOrganisation(q, ctx.signal); // an organisation id, on a consortium
  try {
    body = await get(`/v1/search?q=${encodeURIComponent(q)}`, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 400)) {
      add(box, errorBox(err));
      return;
    }
    body = { matches: [] };
    if (!(await organisation)) {
      add(box, notice('bad', t('search.unreadableTitle'), h('p', {}, t('search.hintLong')), h('p', { class: 'hash' }, q)));
      return;
    }
  }
  const found = await organisation;
  if (found) body.matches.push({ kind: 'organisation', id: found.id });
  if (body.matches.length === 0) {
    add(box, notice('warn', t('search.noMatchTitle'), h('p', {}, t('search.noMatchText')), h('p', { class: 'hash' }, q)));
    return;
  }
  if (body.matches.length === 1) {
    window.location.replace(MATCH_ROUTES[body.matches[0].kind](body.matches[0]));
    return;
  }
  add(box, h('p', {}, t('search.several')),
    h('ul', {}, body.matches.map((m) => h('li', {}, h('a', { href: MATCH_ROUTES[m.kind](m) }, `${t(`search.kind.${m.kind}`)}: ${short(m.id)}`)))));
}

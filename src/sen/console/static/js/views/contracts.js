// Contracts: whether this chain runs Python contracts (its settings), its instances and the code
// uploaded (a page at a time), one instance with a form that runs its @sen.query entries
// (POST /v1/contracts/instances/{address}/query: no transaction), and one code with its source,
// shown as text and hashed in the browser against its code hash. Transactions are CLI commands.

import { get, post, ApiError, isNotFound } from '../api.js';
import { add, h, replace } from '../dom.js';
import { t, num, bytes, lang } from '../i18n.js';
import { Sha256, toHex } from '../sha256.js';
import { resultCodes } from '../state.js';
import {
  pageHeader, facts, table, empty, notice, errorBox, cli, nodeUrl, quoteArg, blockLink,
  accountLink, contractLink, codeLink,
} from '../ui.js';

const PAGE_ROWS = 25;
const MAX_ROWS = 200; // the API's largest page
const ADDRESS = /^[0-9a-f]{40}$/;
const CODE = /^[0-9a-f]{64}$/;
const ENTRY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// The query form, kept across re-renders: a language switch redraws the page from here, so
// nothing typed and no answer is lost.
const query = {
  address: '', entry: '', args: '{}', phase: 'idle', body: null, error: null, message: '', detail: '', meaning: null,
};

function pageSize(params) {
  const asked = Number.parseInt(params.get('limit') || '', 10);
  return Number.isFinite(asked) ? Math.min(MAX_ROWS, Math.max(1, asked)) : PAGE_ROWS;
}

function uploaderText(uploader, long = false) {
  return uploader ? accountLink(uploader, long) : t(long ? 'code.governance' : 'contracts.governance');
}

function sizeText(size) {
  return size >= 1024 ? `${t('contracts.sizeBytes', { size: num(size) })} (${bytes(size)})` : t('contracts.sizeBytes', { size: num(size) });
}

/** #/contracts?… with one parameter changed (null: removed), the others kept. */
function listHref(params, name, value) {
  const next = new URLSearchParams(params);
  if (value === null) next.delete(name);
  else next.set(name, value);
  const text = next.toString();
  return text ? `#/contracts?${text}` : '#/contracts';
}

function pager(label, params, name, after, following) {
  if (!after && !following) return null;
  return h('nav', { class: 'pager', 'aria-label': label },
    after ? h('a', { href: listHref(params, name, null) }, t('contracts.firstPage')) : null,
    following ? h('a', { href: listHref(params, name, following), rel: 'next' }, t('contracts.nextPage')) : null);
}

function settingsCard(settings) {
  return h('div', { class: 'card', id: 'contracts-settings' }, facts([
    [t('contracts.runtime'), h('span', { class: 'hash' }, settings.runtime)],
    [t('contracts.upload'), t(`contracts.upload.${settings.upload}`) === `contracts.upload.${settings.upload}`
      ? settings.upload : t(`contracts.upload.${settings.upload}`)],
    [t('contracts.maxGas'), num(settings.max_gas)],
    [t('contracts.maxCode'), sizeText(settings.max_code_bytes)],
  ]));
}

/** #/contracts: settings (or why there are none), instances and codes, each paged by `next`. */
export async function page(ctx) {
  const { main, query: params, signal } = ctx;
  add(main, ...pageHeader(t('contracts.title'), t('contracts.lead')));
  let settings;
  try {
    settings = await get('/v1/contracts', { signal });
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  if (!settings.enabled) {
    const box = notice('info', t('contracts.disabledTitle'), h('p', {}, t('contracts.disabledText')));
    box.id = 'contracts-disabled';
    add(main, box,
      cli(t('cli.contractsInit'), 'sen node init --contracts'),
      cli(t('cli.contractsNetworkInit'), 'sen network init --contracts'));
    return;
  }
  const limit = pageSize(params);
  const afterInstance = ADDRESS.test(params.get('after_instance') || '') ? params.get('after_instance') : '';
  const afterCode = CODE.test(params.get('after_code') || '') ? params.get('after_code') : '';
  let instances;
  let codes;
  try {
    [instances, codes] = await Promise.all([
      get(`/v1/contracts/instances?limit=${limit}${afterInstance ? `&after=${afterInstance}` : ''}`, { signal }),
      get(`/v1/contracts/codes?limit=${limit}${afterCode ? `&after=${afterCode}` : ''}`, { signal }),
    ]);
  } catch (err) {
    add(main, settingsCard(settings), errorBox(err));
    return;
  }
  add(main,
    h('h2', {}, t('contracts.settings')),
    settingsCard(settings),
    h('h2', {}, t('contracts.instances')),
    instances.instances.length ? table(t('contracts.instances'), [
      { label: t('contracts.address') }, { label: t('contracts.label') }, { label: t('contracts.code') },
    ], instances.instances.map((i) => [
      contractLink(i.address), i.label || h('span', { class: 'hint' }, t('contracts.noLabel')), codeLink(i.code),
    ]), { id: 'instances-table' }) : empty(t('contracts.noInstances')),
    pager(t('contracts.instancesPager'), params, 'after_instance', afterInstance, instances.next),
    h('h2', {}, t('contracts.codes')),
    codes.codes.length ? table(t('contracts.codes'), [
      { label: t('contracts.code') }, { label: t('contracts.uploader') }, { label: t('contracts.height') },
      { label: t('contracts.size'), num: true },
    ], codes.codes.map((c) => [
      codeLink(c.code), uploaderText(c.uploader), blockLink(c.uploaded_height), sizeText(c.size),
    ]), { id: 'codes-table' }) : empty(t('contracts.noCodes')),
    pager(t('contracts.codesPager'), params, 'after_code', afterCode, codes.next),
    cli(t('cli.contractNew'), 'sen contract new my_contract'),
    settings.upload === 'governance'
      ? cli(t('cli.contractProposeUpload'), `sen --node ${nodeUrl()} contract propose-upload ./my_contract --key ADMIN`)
      : cli(t('cli.contractDeploy'), `sen --node ${nodeUrl()} contract deploy ./my_contract --key KEY --label LABEL`));
}

// -- entries read from the source ------------------------------------------------------------

function splitParameters(text) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char)) depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p && p !== '*' && p !== '/');
}

/**
 * The decorated entry points of a contract's source: [{kind, name, signature, required}].
 * A reading aid (decorators at the start of a line, a one-line `def`), not a Python parser.
 */
export function entriesOf(source) {
  const found = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const decorator = /^@(?:[A-Za-z_]\w*\.)?(query|execute|instantiate|migrate)\s*(?:#.*)?$/.exec(lines[i].trimEnd());
    if (!decorator) continue;
    let j = i + 1;
    while (j < lines.length && (lines[j].startsWith('@') || !lines[j].trim())) j += 1;
    const definition = /^def\s+([A-Za-z_]\w*)\s*\((.*)\)\s*(?:->.*)?:/.exec(lines[j] || '');
    if (!definition) continue;
    const parameters = splitParameters(definition[2]);
    const required = parameters
      .filter((p) => !p.includes('=') && !p.startsWith('*'))
      .map((p) => p.split(':')[0].trim());
    found.push({ kind: decorator[1], name: definition[1], signature: `${definition[1]}(${parameters.join(', ')})`, required });
  }
  return found;
}

function argsTemplate(entry) {
  return entry && entry.required.length
    ? `{${entry.required.map((name) => `${JSON.stringify(name)}: null`).join(', ')}}` : '{}';
}

// -- one instance and its query form --------------------------------------------------------

function queryCommand(address, entry, args) {
  const compact = args && args !== '{}' ? ` --args ${quoteArg(args)}` : '';
  return `sen --node ${nodeUrl()} contract query ${address} ${entry}${compact}`;
}

function failureOf(err) {
  if (err instanceof ApiError && err.kind === 'http' && err.status === 422 && err.problem && err.problem.code_name) {
    return err.problem;
  }
  return null;
}

function paintQuery() {
  const box = document.getElementById('query-result');
  if (!box || box.dataset.address !== query.address) return;
  switch (query.phase) {
    case 'running':
      replace(box, h('p', { role: 'status' }, t('contract.running')));
      return;
    case 'input':
      replace(box, notice('bad', t('contract.inputTitle'), h('p', {}, query.message),
        query.detail ? h('p', { class: 'detail' }, `${t('error.detail')}: `, h('code', {}, query.detail)) : null));
      return;
    case 'done': {
      const ok = notice('ok', t('contract.answerTitle'),
        facts([
          [t('contract.gasUsed'), h('span', { id: 'query-gas' }, num(query.body.gas_used))],
          [t('contract.height'), blockLink(query.body.height)],
        ]),
        h('h3', {}, t('contract.answer')),
        h('pre', { class: 'json', id: 'query-answer', tabindex: '0' }, h('code', {}, JSON.stringify(query.body.answer, null, 2))));
      replace(box, ok, cli(t('cli.contractQuery'), queryCommand(query.address, query.entry, query.args)));
      return;
    }
    case 'failed': {
      const problem = query.error.problem;
      replace(box, notice('bad', t('contract.failedTitle'),
        h('p', {}, query.meaning ? query.meaning[lang()] : problem.code_name),
        facts([
          [t('contract.failedCode'), h('code', { id: 'query-code' }, `${problem.code} ${problem.code_name}`)],
          [t('contract.failedDetail'), problem.detail ? h('code', { id: 'query-detail' }, problem.detail) : null],
        ])));
      return;
    }
    case 'error':
      replace(box, errorBox(query.error));
      return;
    default:
      replace(box);
  }
}

async function runQuery() {
  const entry = query.entry.trim();
  const address = query.address;
  if (!ENTRY.test(entry)) {
    Object.assign(query, { phase: 'input', message: t('contract.badEntry'), detail: entry });
    paintQuery();
    return;
  }
  let args;
  try {
    args = JSON.parse(query.args.trim() || '{}');
  } catch (err) {
    Object.assign(query, { phase: 'input', message: t('contract.badArgs'), detail: String(err.message || err) });
    paintQuery();
    return;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    Object.assign(query, { phase: 'input', message: t('contract.argsNotObject'), detail: '' });
    paintQuery();
    return;
  }
  Object.assign(query, { phase: 'running', entry });
  paintQuery();
  let outcome;
  try {
    // no page signal: a language switch redraws the page and the answer still lands in it
    const body = await post(`/v1/contracts/instances/${address}/query`, { entry, args });
    outcome = { phase: 'done', body, error: null, meaning: null };
  } catch (err) {
    const failed = failureOf(err);
    const codes = failed ? await resultCodes().catch(() => new Map()) : new Map();
    outcome = { phase: failed ? 'failed' : 'error', body: null, error: err, meaning: failed ? codes.get(failed.code) || null : null };
  }
  if (query.address !== address) return; // another contract's page is open now
  Object.assign(query, outcome, { args: JSON.stringify(args) });
  paintQuery();
}

function queryForm(address, entries) {
  if (query.address !== address) {
    const first = entries.find((e) => e.kind === 'query');
    Object.assign(query, {
      address, entry: first ? first.name : '', args: argsTemplate(first), phase: 'idle', body: null, error: null, meaning: null,
    });
  }
  const entryInput = h('input', {
    type: 'text', id: 'query-entry', name: 'entry', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'query-entry-hint', maxlength: '64', class: 'mono',
  });
  entryInput.value = query.entry;
  entryInput.addEventListener('input', () => { query.entry = entryInput.value; });
  const argsArea = h('textarea', {
    id: 'query-args', name: 'args', rows: '4', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'query-args-hint', class: 'json-input',
  });
  argsArea.value = query.args;
  argsArea.addEventListener('input', () => { query.args = argsArea.value; });
  const form = h('form', { id: 'query-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'query-entry' }, t('contract.entry')), entryInput,
      h('p', { class: 'hint', id: 'query-entry-hint' }, t('contract.entryHint'))),
    h('div', { class: 'field' },
      h('label', { for: 'query-args' }, t('contract.args')), argsArea,
      h('p', { class: 'hint', id: 'query-args-hint' }, t('contract.argsHint'))),
    h('button', { type: 'submit', id: 'query-submit' }, t('contract.run')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    query.entry = entryInput.value;
    query.args = argsArea.value;
    runQuery();
  });
  const queries = entries.filter((e) => e.kind === 'query');
  const picker = queries.length ? h('ul', { class: 'entries', id: 'query-entries' }, queries.map((e) => {
    const use = h('button', { type: 'button', class: 'secondary', 'aria-label': t('contract.use', { entry: e.name }) },
      h('code', {}, e.signature));
    use.addEventListener('click', () => {
      query.entry = e.name;
      query.args = argsTemplate(e);
      entryInput.value = query.entry;
      argsArea.value = query.args;
      argsArea.focus();
    });
    return h('li', {}, use);
  })) : null;
  const result = h('div', { id: 'query-result', 'aria-live': 'polite', dataset: { address } });
  queueMicrotask(paintQuery);
  return h('section', { 'aria-labelledby': 'query-title', class: 'card' },
    h('h2', { id: 'query-title' }, t('contract.queryTitle')),
    h('p', {}, t('contract.queryLead')),
    picker ? h('p', { class: 'hint' }, t('contract.entriesHint')) : null,
    picker,
    form,
    result);
}

function entriesTable(entries) {
  return table(t('contract.entriesTitle'), [{ label: t('tx.contractEntry') }, { label: t('contracts.kind') }],
    entries.map((e) => [h('code', {}, e.signature), t(`contract.kind.${e.kind}`)]), { id: 'contract-entries' });
}

/** #/contracts/<address>: the instance, its query form, and the CLI commands to use it. */
export async function instance(ctx) {
  const { main, params, signal } = ctx;
  const address = params.address.toLowerCase();
  add(main, ...pageHeader(t('contract.title'), t('contract.lead')));
  let found;
  try {
    if (!ADDRESS.test(address)) throw new ApiError('http', 404, null);
    found = await get(`/v1/contracts/instances/${address}`, { signal });
  } catch (err) {
    if (signal.aborted) return;
    add(main, isNotFound(err)
      ? notice('warn', t('contract.notFoundTitle'), h('p', {}, t('contract.notFoundText')), h('p', { class: 'hash' }, address))
      : errorBox(err));
    return;
  }
  const source = await get(`/v1/contracts/codes/${found.code}`, { signal }).then((c) => c.source || '').catch(() => '');
  if (signal.aborted) return;
  const entries = entriesOf(source);
  add(main, h('div', { class: 'card', id: 'contract-facts' }, facts([
    [t('contract.address'), h('span', { class: 'hash', id: 'contract-address' }, found.address)],
    [t('contract.label'), found.label || h('span', { class: 'hint' }, t('contracts.noLabel'))],
    [t('contract.code'), codeLink(found.code, true)],
    [t('contract.admin'), found.admin ? accountLink(found.admin, true) : h('span', { id: 'contract-immutable' }, t('contract.immutable'))],
    [t('contract.creator'), accountLink(found.creator, true)],
    [t('contract.created'), blockLink(found.created_height)],
    [t('contract.readAt'), blockLink(found.height)],
  ])));
  add(main, queryForm(found.address, entries));
  if (entries.length) add(main, h('h2', {}, t('contract.entriesTitle')), entriesTable(entries));
  const firstQuery = entries.find((e) => e.kind === 'query');
  const firstExecute = entries.find((e) => e.kind === 'execute');
  add(main,
    cli(t('cli.contractQuery'), queryCommand(found.address, firstQuery ? firstQuery.name : 'ENTRY', argsTemplate(firstQuery))),
    cli(t('cli.contractExecute'), `sen --node ${nodeUrl()} contract execute ${found.address} ${firstExecute ? firstExecute.name : 'ENTRY'} --key KEY --args ${quoteArg(argsTemplate(firstExecute))}`),
    cli(t('cli.contractShow'), `sen --node ${nodeUrl()} contract show ${found.address}`));
}

// -- one code and its source ------------------------------------------------------------------

function sourceHash(source) {
  return bytesHash(new TextEncoder().encode(source));
}

function bytesHash(bytes) {
  const hasher = new Sha256();
  hasher.update(bytes);
  return toHex(hasher.digest());
}

function base64Bytes(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** #/contracts/code/<hash>: the code record and its source, as text (never markup). */
export async function code(ctx) {
  const { main, params, signal } = ctx;
  const hash = params.hash.toLowerCase();
  add(main, ...pageHeader(t('code.title'), t('code.lead')));
  let found;
  try {
    if (!CODE.test(hash)) throw new ApiError('http', 404, null);
    found = await get(`/v1/contracts/codes/${hash}`, { signal });
  } catch (err) {
    if (signal.aborted) return;
    add(main, isNotFound(err)
      ? notice('warn', t('code.notFoundTitle'), h('p', {}, t('code.notFoundText')), h('p', { class: 'hash' }, hash))
      : errorBox(err));
    return;
  }
  add(main, h('div', { class: 'card', id: 'code-facts' }, facts([
    [t('code.hash'), h('span', { class: 'hash' }, found.code)],
    [t('code.uploader'), uploaderText(found.uploader, true)],
    [t('code.height'), blockLink(found.uploaded_height)],
    [t('code.size'), sizeText(found.size)],
    [t('code.runtime'), h('span', { class: 'hash' }, found.runtime)],
  ])));
  add(main, h('h2', { id: 'code-source-title' }, t('code.source')));
  if (found.language === 'wasm' && found.component) {
    // a component of its own (Rust, or any language): its bytes are the code, hashed here
    const matches = bytesHash(base64Bytes(found.component)) === found.code;
    const check = notice(matches ? 'ok' : 'bad', null,
      h('p', {}, t(matches ? 'code.componentOk' : 'code.hashBad', { size: found.size })));
    check.id = 'code-hash-check';
    add(main, check, h('p', {}, t('code.componentText')));
  } else if (found.source === null || found.source === undefined) {
    add(main, empty(t('code.noSource')));
  } else {
    const matches = sourceHash(found.source) === found.code;
    const check = notice(matches ? 'ok' : 'bad', null, h('p', {}, t(matches ? 'code.hashOk' : 'code.hashBad')));
    check.id = 'code-hash-check';
    add(main, check,
      h('div', { class: 'source-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'code-source-title' },
        h('pre', { id: 'code-source' }, h('code', {}, found.source))));
  }
  const flag = found.language === 'wasm' ? '--json' : '--source';  // a component has no source
  add(main, cli(t('cli.codeShow'), `sen --node ${nodeUrl()} contract show ${found.code} ${flag}`));
}

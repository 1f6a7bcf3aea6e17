// Pieces every page uses: headings, facts lists, tables, links to chain objects, notices,
// error boxes and the "do this with the CLI" block.

import { h } from './dom.js';
import { describeError } from './api.js';
import { t, num, dateTime } from './i18n.js';

export function pageHeader(title, lead) {
  return [h('h1', { id: 'page-title' }, title), lead ? h('p', { class: 'lead' }, lead) : null];
}

export function facts(rows) {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of rows) {
    if (value === null || value === undefined) continue;
    list.append(h('dt', {}, label), h('dd', {}, value === '' ? t('none') : value));
  }
  return list;
}

/**
 * A table inside a focusable scroll region (keyboard users can scroll it).
 * columns: [{label, num?}], rows: arrays of cells (strings or nodes).
 */
export function table(caption, columns, rows, { id, rowClass } = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)));
  const body = h('tbody', {});
  rows.forEach((cells, i) => {
    body.append(
      h('tr', { class: rowClass ? rowClass(i) : null },
        cells.map((cell, j) => h('td', { class: columns[j] && columns[j].num ? 'num' : null }, cell))),
    );
  });
  const captionId = id ? `${id}-caption` : null;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId, id },
    h('table', {}, h('caption', { id: captionId }, caption), h('thead', {}, head), body));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

export function short(hex, size = 8) {
  if (!hex) return '';
  return hex.length > 2 * size + 1 ? `${hex.slice(0, size)}…${hex.slice(-4)}` : hex;
}

export function blockLink(height) {
  return h('a', { href: `#/block/${height}` }, `#${num(height)}`);
}

export function txLink(hash, full = false) {
  return h('a', { href: `#/tx/${hash}`, class: full ? 'hash' : 'hash nowrap', title: hash }, full ? hash : short(hash));
}

export function accountLink(address, full = false) {
  if (!address) return t('none');
  return h('a', { href: `#/account/${address}`, class: full ? 'hash' : 'hash nowrap', title: address }, full ? address : short(address));
}

export function contractLink(address, full = false) {
  return h('a', { href: `#/contracts/${address}`, class: full ? 'hash' : 'hash nowrap', title: address }, full ? address : short(address));
}

export function codeLink(hash, full = false) {
  return h('a', { href: `#/contracts/code/${hash}`, class: full ? 'hash' : 'hash nowrap', title: hash }, full ? hash : short(hash));
}

export function evidenceLink(algorithm, digest, full = false) {
  return h('a', { href: `#/evidence/${algorithm}/${digest}`, class: full ? 'hash' : 'hash nowrap', title: digest },
    full ? digest : short(digest));
}

export function timeText(iso) {
  return h('time', { datetime: iso, class: 'nowrap-time' }, dateTime(iso));
}

/** Unix seconds (certificate validity) as a <time>, in Vietnam time like every other time. */
export function unixTimeText(seconds) {
  return timeText(new Date(seconds * 1000).toISOString());
}

export function badge(kind, text) {
  return h('span', { class: `badge ${kind}` }, text);
}

export function codeBadge(code, name) {
  const ok = code === 0;
  return h('span', { class: `badge ${ok ? 'ok' : 'bad'}` }, ok ? t('result.ok') : `${t('result.failed')} · ${name}`);
}

export function notice(kind, title, ...body) {
  return h('div', { class: `notice ${kind}`, role: kind === 'bad' ? 'alert' : null },
    title ? h('h2', {}, title) : null, ...body);
}

/** A failed request, explained in the user's language; never a stack trace. */
export function errorBox(err, title) {
  const { message, detail } = describeError(err);
  return h('div', { class: 'notice bad', role: 'alert' },
    h('h2', {}, title || t('error.title')),
    h('p', {}, message),
    detail ? h('p', { class: 'detail' }, `${t('error.detail')}: `, h('code', {}, detail)) : null);
}

/** The exact command that does this with the CLI (actions are signed there, never here). */
export function cli(label, command) {
  const pre = h('pre', { tabindex: '0' }, h('code', {}, command));
  const button = h('button', { type: 'button', class: 'secondary' }, t('cli.copy'));
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(command);
      button.textContent = t('cli.copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = t('cli.selected');
    }
  });
  return h('div', { class: 'cli' }, h('p', { class: 'cli-label' }, label), h('div', { class: 'cli-row' }, pre, button));
}

/** The node's base URL for CLI commands: the origin this page came from. */
export function nodeUrl() {
  return window.location.origin;
}

export function quoteArg(text) {
  return /^[A-Za-z0-9._\/:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

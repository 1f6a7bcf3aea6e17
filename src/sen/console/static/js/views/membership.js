// Organisations and their members, read-only: who is on the chain, with which roles, and whether
// each certificate is valid now, expired or revoked. Every action is a CLI command shown here.

import { get, isNotFound } from '../api.js';
import { add, h } from '../dom.js';
import { t, num, parseTime, dateTime } from '../i18n.js';
import { hasFeature } from '../state.js';
import {
  pageHeader, facts, table, empty, notice, errorBox, cli, nodeUrl, quoteArg, blockLink, accountLink,
  unixTimeText, badge,
} from '../ui.js';
import { featureGate, stat } from './network.js';

/** Organisation ids and role names: 1 to 32 of a-z, 0-9 and '-' (docs/spec/membership.md). */
export const ORGANISATION_ID = /^[a-z0-9-]{1,32}$/;
const MEMBERS_SHOWN = 1000;

/** A role with its meaning when it is one of the base roles: "quản trị viên (admin)". */
export function roleText(role) {
  const key = `role.${role}`;
  const label = t(key);
  return label === key ? role : `${label} (${role})`;
}

export function rolesText(roles) {
  return roles.length ? roles.map(roleText).join(', ') : t('none');
}

export function orgLink(id) {
  return h('a', { href: `#/org/${encodeURIComponent(id)}` }, id);
}

/** The chain's own "now": the latest block time, as the chain judges the next transaction. */
async function chainNow(signal) {
  const status = await get('/v1/status', { signal }).catch(() => null);
  const time = status && status.latest_block_time ? parseTime(status.latest_block_time) : null;
  return { seconds: (time ? time.getTime() : Date.now()) / 1000, iso: time ? status.latest_block_time : null };
}

function validityRange(notBefore, notAfter) {
  return h('span', {}, unixTimeText(notBefore), ` ${t('validity.to')} `, unixTimeText(notAfter));
}

function validityBadge(notBefore, notAfter, now) {
  if (now < notBefore) return badge('warn', t('validity.notYet'));
  if (now > notAfter) return badge('bad', t('validity.expired'));
  return badge('ok', t('validity.valid'));
}

/** Valid now, expired, not yet valid, revoked, or its organisation removed. */
function memberState(member, now) {
  if (member.revoked_height !== null && member.revoked_height !== undefined) {
    return badge('bad', t('member.revoked', { height: num(member.revoked_height) }));
  }
  if (member.organisation_status !== 'active') return badge('bad', t('member.orgRemoved'));
  return validityBadge(member.not_before, member.not_after, now);
}

function statusCell(org) {
  const active = org.status === 'active';
  const when = active
    ? (org.admitted_height > 0 ? [t('org.admittedAt'), ' ', blockLink(org.admitted_height)] : [t('org.admittedGenesis')])
    : [t('org.removedAt'), ' ', blockLink(org.removed_height)];
  return h('span', {}, badge(active ? 'ok' : 'bad', t(active ? 'org.active' : 'org.removed')),
    h('span', { class: 'hint block' }, ...when));
}

function judgedAt(now) {
  return now.iso ? h('p', { class: 'hint' }, t('member.judgedAt', { time: dateTime(now.iso) })) : null;
}

export async function organisations(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('organisations.title'), t('organisations.lead')));
  if (!(await featureGate(ctx, 'membership', 'organisations.unavailable'))) return;
  let body;
  let now;
  try {
    [body, now] = await Promise.all([get('/v1/membership/organisations', { signal: ctx.signal }), chainNow(ctx.signal)]);
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const list = body.organisations;
  add(main,
    h('div', { class: 'grid' },
      stat(t('orgs.count'), num(list.length)),
      stat(t('orgs.active'), num(list.filter((o) => o.status === 'active').length)),
      stat(t('orgs.members'), num(list.reduce((total, o) => total + o.members, 0)))),
    list.length ? table(t('organisations.title'), [
      { label: t('org.id') }, { label: t('org.name') }, { label: t('org.status') }, { label: t('org.roles') },
      { label: t('org.caValidity') }, { label: t('org.members'), num: true },
    ], list.map((o) => [
      orgLink(o.id), o.name, statusCell(o), rolesText(o.roles),
      h('span', {}, validityRange(o.not_before, o.not_after), ' ', validityBadge(o.not_before, o.not_after, now.seconds)),
      num(o.members),
    ]), { id: 'orgs-table' }) : empty(t('orgs.none')),
    h('h2', {}, t('admin.actions')),
    h('p', { class: 'hint' }, t('admin.readOnly')),
    cli(t('cli.caInitOrg'), `sen ca init-org --id ID --name ${quoteArg('Tên tổ chức')} --out ./ca-ID`),
    cli(t('cli.caHex'), "openssl x509 -in ./ca-ID/ca.pem -outform DER | xxd -p | tr -d '\\n'"),
    cli(t('cli.admitOrg'), `sen --node ${nodeUrl()} gov propose admit_organisation --title ${quoteArg('Kết nạp …')} `
      + `--payload ${quoteArg(JSON.stringify({ id: 'ID', name: 'Tên tổ chức', ca: 'hex:…', roles: ['admin', 'writer'] }))} --key ADMIN`),
  );
}

export async function organisation(ctx) {
  const { main, params } = ctx;
  const id = params.id;
  if (!ORGANISATION_ID.test(id)) {
    add(main, ...pageHeader(t('org.title')),
      notice('warn', t('org.notFound'), h('p', {}, t('org.badIdText', { id }))), h('p', {}, h('a', { href: '#/orgs' }, t('org.all'))));
    return;
  }
  let org;
  let members;
  let now;
  try {
    if (!(await hasFeature('membership'))) {
      add(main, ...pageHeader(t('org.title')));
      await featureGate(ctx, 'membership', 'organisations.unavailable');
      return;
    }
    [org, members, now] = await Promise.all([
      get(`/v1/membership/organisations/${id}`, { signal: ctx.signal }),
      get(`/v1/membership/organisations/${id}/members?limit=${MEMBERS_SHOWN}`, { signal: ctx.signal }),
      chainNow(ctx.signal),
    ]);
  } catch (err) {
    add(main, ...pageHeader(t('org.title')));
    add(main, isNotFound(err) ? notice('warn', t('org.notFound'), h('p', {}, t('org.notFoundText', { id })))
      : errorBox(err), h('p', {}, h('a', { href: '#/orgs' }, t('org.all'))));
    return;
  }
  add(main, ...pageHeader(org.name, `${t('org.title')} · ${org.id}`));
  add(main, h('div', { class: 'card' }, facts([
    [t('org.id'), h('code', {}, org.id)],
    [t('org.name'), org.name],
    [t('org.status'), statusCell(org)],
    [t('org.roles'), rolesText(org.roles)],
    [t('org.caValidity'), h('span', {}, validityRange(org.not_before, org.not_after), ' ',
      validityBadge(org.not_before, org.not_after, now.seconds))],
    [t('org.caSubject'), h('span', { class: 'hash' }, org.ca_subject)],
    [t('org.caSha256'), h('span', { class: 'hash' }, org.ca_sha256)],
    [t('org.members'), num(org.members)],
  ]), org.ca_pem ? h('details', {}, h('summary', {}, t('org.caPem')), h('pre', { tabindex: '0' }, h('code', {}, org.ca_pem))) : null));
  add(main, h('h2', { id: 'members-title' }, t('org.membersTitle')));
  add(main, members.members.length ? table(t('org.membersTitle'), [
    { label: t('member.name') }, { label: t('member.address') }, { label: t('member.roles') },
    { label: t('member.serial') }, { label: t('member.validity') }, { label: t('member.state') },
  ], members.members.map((m) => [
    h('a', { href: `#/member/${m.address}` }, m.name),
    accountLink(m.address),
    rolesText(m.roles),
    h('span', { class: 'hash' }, m.serial),
    validityRange(m.not_before, m.not_after),
    memberState(m, now.seconds),
  ]), { id: 'members-table' }) : empty(t('org.noMembers')));
  if (members.total > members.members.length) {
    add(main, h('p', { class: 'hint' }, t('org.someMembers', { shown: num(members.members.length), total: num(members.total) })));
  }
  add(main, judgedAt(now));
  add(main, h('h2', {}, t('admin.actions')), h('p', { class: 'hint' }, t('admin.readOnly')),
    cli(t('cli.caIssue'), `sen ca issue --org-dir ./ca-${org.id} --key NAME --roles writer --cn ${quoteArg('Họ và tên')} --out member.pem`),
    cli(t('cli.memberEnroll'), `sen --node ${nodeUrl()} member enroll --key NAME --cert member.pem`),
    cli(t('cli.memberRevokeAny'), `sen --node ${nodeUrl()} member revoke --org ${org.id} --serial N --key ADMIN`),
    org.status === 'active' ? cli(t('cli.setOrgRoles'), `sen --node ${nodeUrl()} gov propose set_organisation_roles `
      + `--payload ${quoteArg(JSON.stringify({ id: org.id, roles: org.roles }))} --key ADMIN`) : null,
    org.status === 'active' ? cli(t('cli.removeOrg'), `sen --node ${nodeUrl()} gov propose remove_organisation `
      + `--payload ${quoteArg(JSON.stringify({ id: org.id }))} --key ADMIN`) : null,
    h('p', {}, h('a', { href: '#/orgs' }, t('org.all'))));
}

export async function member(ctx) {
  const { main, params } = ctx;
  const address = params.address.toLowerCase();
  let found;
  let now;
  try {
    if (!(await hasFeature('membership'))) {
      add(main, ...pageHeader(t('member.title')));
      await featureGate(ctx, 'membership', 'organisations.unavailable');
      return;
    }
    [found, now] = await Promise.all([
      get(`/v1/membership/members/${encodeURIComponent(address)}`, { signal: ctx.signal }), chainNow(ctx.signal),
    ]);
  } catch (err) {
    add(main, ...pageHeader(t('member.title')));
    add(main, isNotFound(err) ? notice('warn', t('member.notFound'), h('p', {}, t('member.notFoundText')), h('p', { class: 'hash' }, address))
      : errorBox(err));
    return;
  }
  add(main, ...pageHeader(found.name, t('member.title')));
  add(main, h('div', { class: 'card' }, facts([
    [t('member.name'), found.name],
    [t('member.organisation'), orgLink(found.organisation)],
    [t('member.roles'), rolesText(found.roles)],
    [t('member.state'), memberState(found, now.seconds)],
    [t('member.serial'), h('span', { class: 'hash' }, found.serial)],
    [t('member.validity'), validityRange(found.not_before, found.not_after)],
    [t('member.address'), accountLink(found.address, true)],
    [t('member.suite'), found.suite],
    [t('member.publicKey'), h('span', { class: 'hash' }, found.public_key)],
    [t('member.certSha256'), h('span', { class: 'hash' }, found.cert_sha256)],
  ])), judgedAt(now));
  add(main, h('h2', {}, t('admin.actions')), h('p', { class: 'hint' }, t('admin.readOnly')),
    found.revoked_height === null ? cli(t('cli.memberRevoke'),
      `sen --node ${nodeUrl()} member revoke --org ${found.organisation} --serial ${found.serial} --key ADMIN`) : null,
    cli(t('cli.memberShow'), `sen --node ${nodeUrl()} member show ${found.address}`),
    h('p', {}, h('a', { href: `#/account/${found.address}` }, t('member.account'))));
}

/** For the search box: the organisation with this id, or null (not an id, none, or no consortium). */
export async function findOrganisation(text, signal) {
  const id = text.trim().toLowerCase();
  if (!ORGANISATION_ID.test(id)) return null;
  try {
    if (!(await hasFeature('membership'))) return null;
    return await get(`/v1/membership/organisations/${id}`, { signal });
  } catch {
    return null;
  }
}

// Governance, read-only: the rules, the proposals with their votes and deadlines, and one
// proposal in full (its payload made readable, who voted when, the outcome). Votes are cast
// with the CLI; the page shows the command.

import { get, isNotFound } from '../api.js';
import { add, h, replace } from '../dom.js';
import { t, num, bytes, lang } from '../i18n.js';
import { hasFeature, resultCodes } from '../state.js';
import { Sha256, toHex } from '../sha256.js';
import {
  pageHeader, facts, table, empty, notice, errorBox, cli, nodeUrl, quoteArg, blockLink, accountLink, badge, loading,
} from '../ui.js';
import { featureGate } from './network.js';
import { orgLink, rolesText } from './membership.js';

const STATUSES = ['open', 'passed', 'rejected', 'failed', 'expired'];
const STATUS_BADGES = { open: 'info', passed: 'ok', rejected: 'bad', failed: 'bad', expired: 'neutral' };
const REFRESH_MS = 3000;

export function statusBadge(status) {
  return badge(STATUS_BADGES[status] || 'neutral', t(`gov.status.${status}`));
}

function kindText(kind) {
  const key = `gov.kind.${kind}`;
  const label = t(key);
  return label === key ? kind : label;
}

function thresholdText([numerator, denominator]) {
  return t('gov.thresholdText', { num: numerator, den: denominator });
}

function count(proposal) {
  const yes = proposal.votes.filter((v) => v.choice === 'yes').length;
  return { yes, no: proposal.votes.length - yes };
}

/** Yes votes a proposal needs now: more than num/den of the active organisations. */
function needed(settings) {
  const [numerator, denominator] = settings.threshold;
  const total = settings.active_organisations.length;
  return { needed: Math.floor((numerator * total) / denominator) + 1, total };
}

function votesText(proposal, settings) {
  const { yes, no } = count(proposal);
  const tally = t('gov.tally', { yes: num(yes), no: num(no) });
  if (proposal.status !== 'open') return tally;
  const need = needed(settings);
  return `${tally} (${t('gov.needed', { needed: num(need.needed), total: num(need.total) })})`;
}

function blocksLeft(proposal, height) {
  if (proposal.status !== 'open') return '';
  const left = proposal.deadline_height - height;
  return left > 0 ? t('gov.remaining', { n: num(left) }) : t('gov.lastBlock');
}

function deadlineCell(proposal, height) {
  return h('span', {}, blockLink(proposal.deadline_height),
    h('span', { class: 'hint block', dataset: { deadline: proposal.deadline_height, status: proposal.status } },
      blocksLeft(proposal, height)));
}

/** Between changes only the blocks left move: update those in place, keeping focus and scroll. */
function refreshDeadlines(root, height) {
  root.querySelectorAll('[data-deadline]').forEach((el) => {
    const text = blocksLeft({ status: el.dataset.status, deadline_height: Number(el.dataset.deadline) }, height);
    if (el.textContent !== text) el.textContent = text;
  });
}

async function load(path, signal) {
  const [settings, body, status] = await Promise.all([
    get('/v1/governance', { signal }), get(path, { signal }), get('/v1/status', { signal }),
  ]);
  return { settings, body, height: status.height };
}

export async function governance(ctx) {
  const { main, query } = ctx;
  add(main, ...pageHeader(t('governance.title'), t('governance.lead')));
  if (!(await featureGate(ctx, 'governance', 'governance.unavailable'))) return;
  const wanted = STATUSES.includes(query.get('status')) ? query.get('status') : null;
  const rules = h('section', { 'aria-labelledby': 'gov-settings' }, loading());
  const proposals = h('section', { 'aria-labelledby': 'gov-proposals' });
  add(main, rules, proposals,
    h('h2', {}, t('admin.actions')), h('p', { class: 'hint' }, t('admin.readOnly')),
    cli(t('cli.govPropose'), `sen --node ${nodeUrl()} gov propose KIND --payload ${quoteArg('{…}')} --title ${quoteArg('…')} --key ADMIN`),
    cli(t('cli.govList'), `sen --node ${nodeUrl()} gov list${wanted ? ` --status ${wanted}` : ''}`));
  let shown = '';
  const show = async () => {
    const { settings, body, height } = await load(`/v1/governance/proposals${wanted ? `?status=${wanted}` : ''}`, ctx.signal);
    const key = JSON.stringify([settings, body]);
    if (key === shown) {
      refreshDeadlines(proposals, height);
      return;
    }
    shown = key;
    replace(rules,
      h('h2', { id: 'gov-settings' }, t('gov.settings')),
      h('div', { class: 'card', id: 'gov-rules' }, facts([
        [t('gov.threshold'), thresholdText(settings.threshold)],
        [t('gov.votingPeriod'), t('gov.blocks', { n: num(settings.voting_period) })],
        [t('gov.maxVotingPeriod'), t('gov.blocks', { n: num(settings.max_voting_period) })],
        [t('gov.activeOrgs'), h('span', {}, `${num(settings.active_organisations.length)}: `,
          settings.active_organisations.flatMap((id, i) => (i ? [', ', orgLink(id)] : [orgLink(id)])))],
      ]), h('p', { class: 'hint' }, t('gov.thresholdNote'))));
    replace(proposals,
      h('h2', { id: 'gov-proposals' }, t('gov.proposals')),
      h('nav', { class: 'filters', 'aria-label': t('gov.filter') },
        [null, ...STATUSES].map((s) => h('a', {
          href: s ? `#/gov?status=${s}` : '#/gov', 'aria-current': s === wanted ? 'page' : null,
        }, s ? t(`gov.status.${s}`) : t('gov.all')))),
      body.proposals.length ? table(t('gov.proposals'), [
        { label: t('gov.number'), num: true }, { label: t('gov.kind') }, { label: t('gov.titleColumn') },
        { label: t('gov.status') }, { label: t('gov.deadline') }, { label: t('gov.votes') },
      ], body.proposals.map((p) => [
        h('a', { href: `#/gov/${p.id}` }, num(p.id)),
        kindText(p.kind),
        h('a', { href: `#/gov/${p.id}` }, p.title || t('gov.untitled')),
        statusBadge(p.status),
        deadlineCell(p, height),
        votesText(p, settings),
      ]), { id: 'proposals-table' }) : empty(t('gov.noProposals')));
  };
  await show();
  ctx.every(REFRESH_MS, show);
}

function isHex(value) {
  return typeof value === 'string' && value.length % 2 === 0 && /^[0-9a-f]+$/.test(value);
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function sha256Hex(raw) {
  const hash = new Sha256();
  hash.update(raw);
  return toHex(hash.digest());
}

function certificateText(hex) {
  if (!isHex(hex)) return h('span', { class: 'hash' }, String(hex));
  const raw = hexBytes(hex);
  return h('span', {}, t('proposal.certificate', { size: bytes(raw.length), digest: '' }),
    h('span', { class: 'hash' }, sha256Hex(raw)));
}

function plainValue(value) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return t('none');
  if (typeof value === 'number') return num(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return isHex(value) && value.length > 16 ? h('span', { class: 'hash' }, value) : value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && !isHex(v))) return value.join(', ') || t('none');
  return h('code', {}, JSON.stringify(value));
}

/** One payload field, made readable for the kinds governance has. */
function payloadValue(kind, name, value, organisations) {
  if (name === 'ca') return certificateText(value);
  if (name === 'chain' && Array.isArray(value) && value.length) return h('ul', {}, value.map((c) => h('li', {}, certificateText(c))));
  if (name === 'roles' && Array.isArray(value)) return rolesText(value);
  if (name === 'role') return rolesText([value]);
  if (name === 'id' && typeof value === 'string') return organisations.includes(value) ? orgLink(value) : h('code', {}, value);
  if (name === 'threshold' && Array.isArray(value) && value.length === 2) return thresholdText(value);
  if ((name === 'voting_period' || name === 'max_voting_period') && typeof value === 'number') {
    return t('gov.blocks', { n: num(value) });
  }
  if ((name === 'max_tx_bytes' || name === 'max_block_bytes') && typeof value === 'number') return bytes(value);
  if (kind === 'set_validator' && name === 'power' && value === 0) return t('proposal.removesValidator');
  if (kind === 'set_validator' && name === 'pub_key' && isHex(value)) {
    const address = sha256Hex(hexBytes(value)).slice(0, 40); // CometBFT's Ed25519 address
    return h('span', {}, h('span', { class: 'hash' }, value), h('span', { class: 'hint block' },
      t('proposal.validatorAddress'), h('a', { class: 'hash', href: `#/validator/${address}` }, address)));
  }
  return plainValue(value);
}

function payloadLabel(name) {
  const key = `payload.${name}`;
  const label = t(key);
  return label === key ? h('code', {}, name) : h('span', {}, label, ' ', h('code', { class: 'hint' }, name));
}

// A failed proposal: the meaning of the code the chain keeps, in the reader's language, its
// name, and the deciding vote's log (the refusal in words, with the field at fault).
function outcomeText(p, codes) {
  const meaning = codes.get(p.outcome_code);
  return h('span', { id: 'proposal-outcome' }, meaning ? meaning[lang()] : p.outcome, ' ',
    h('code', { class: 'hint' }, p.outcome_code_name || ''),
    p.outcome_log ? h('span', { class: 'hint', id: 'proposal-outcome-log' }, ` — ${p.outcome_log}`) : null);
}

export async function proposal(ctx) {
  const { main, params } = ctx;
  const id = params.id;
  const back = h('p', {}, h('a', { href: '#/gov' }, t('proposal.all')));
  if (!/^[1-9][0-9]{0,18}$/.test(id)) {
    add(main, ...pageHeader(t('governance.title')),
      notice('warn', t('proposal.notFound'), h('p', {}, t('proposal.badIdText', { id }))), back);
    return;
  }
  let loaded;
  try {
    if (!(await hasFeature('governance'))) {
      add(main, ...pageHeader(t('governance.title')));
      await featureGate(ctx, 'governance', 'governance.unavailable');
      return;
    }
    loaded = await load(`/v1/governance/proposals/${id}`, ctx.signal);
  } catch (err) {
    add(main, ...pageHeader(t('proposal.titleN', { id })));
    add(main, isNotFound(err) ? notice('warn', t('proposal.notFound'), h('p', {}, t('proposal.notFoundText', { id })))
      : errorBox(err), back);
    return;
  }
  const box = h('div', {});
  const codes = await resultCodes().catch(() => new Map());
  add(main, ...pageHeader(t('proposal.titleN', { id: num(Number(id)) }), loaded.body.title || null), box);
  const draw = ({ settings, body: p, height }) => {
    const open = p.status === 'open';
    replace(box,
      h('div', { class: 'card', id: 'proposal-facts' }, facts([
        [t('proposal.kind'), h('span', {}, kindText(p.kind), ' ', h('code', { class: 'hint' }, p.kind))],
        [t('proposal.title'), p.title || t('gov.untitled')],
        [t('proposal.status'), statusBadge(p.status)],
        [t('proposal.organisation'), orgLink(p.organisation)],
        [t('proposal.proposer'), accountLink(p.proposer, true)],
        [t('proposal.created'), blockLink(p.created_height)],
        [t('proposal.deadline'), deadlineCell(p, height)],
        [t('proposal.decided'), p.decided_height ? blockLink(p.decided_height) : null],
        [t('proposal.tally'), votesText(p, settings)],
        [t('proposal.outcome'), p.status === 'failed' ? outcomeText(p, codes) : null],
      ])),
      h('h2', {}, t('proposal.payload')),
      table(t('proposal.payload'), [{ label: t('proposal.field') }, { label: t('proposal.value') }],
        Object.entries(p.payload).map(([name, value]) => [payloadLabel(name),
          payloadValue(p.kind, name, value, settings.active_organisations)]),
        { id: 'proposal-payload' }),
      h('details', {}, h('summary', {}, t('proposal.raw')),
        h('pre', { tabindex: '0' }, h('code', {}, JSON.stringify(p.payload, null, 2)))),
      h('h2', {}, t('proposal.votes')),
      p.votes.length ? table(t('proposal.votes'), [
        { label: t('proposal.voteOrganisation') }, { label: t('proposal.choice') }, { label: t('proposal.voteBlock') },
        { label: t('proposal.voter') },
      ], p.votes.map((v) => [
        orgLink(v.organisation),
        badge(v.choice === 'yes' ? 'ok' : 'bad', t(v.choice === 'yes' ? 'proposal.yes' : 'proposal.no')),
        blockLink(v.height),
        accountLink(v.voter),
      ]), { id: 'votes-table' }) : empty(t('proposal.noVotes')),
      h('h2', {}, t('admin.actions')),
      open ? h('p', { class: 'hint' }, t('admin.readOnly')) : h('p', { class: 'hint' }, t('proposal.closed')),
      open ? cli(t('cli.govVoteYes'), `sen --node ${nodeUrl()} gov vote ${p.id} yes --key ADMIN`) : null,
      open ? cli(t('cli.govVoteNo'), `sen --node ${nodeUrl()} gov vote ${p.id} no --key ADMIN`) : null,
      cli(t('cli.govShow'), `sen --node ${nodeUrl()} gov show ${p.id}`),
      back);
  };
  draw(loaded);
  let shown = JSON.stringify([loaded.settings, loaded.body]);
  if (loaded.body.status !== 'open') return;
  ctx.every(REFRESH_MS, async () => {
    const next = await load(`/v1/governance/proposals/${id}`, ctx.signal);
    const key = JSON.stringify([next.settings, next.body]);
    if (key === shown) {
      refreshDeadlines(box, next.height);
      return;
    }
    shown = key;
    draw(next);
  });
}

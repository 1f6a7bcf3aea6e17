// Network administration views, read-only: this node, validators and voting power, and the
// areas this chain does not run yet (organisations, governance), said plainly.

import { get } from '../api.js';
import { add, h } from '../dom.js';
import { t, num, percent } from '../i18n.js';
import { nodeInfo } from '../state.js';
import { pageHeader, facts, table, timeText, notice, errorBox, cli, nodeUrl, empty } from '../ui.js';

export async function node(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('network.title'), t('network.lead')));
  let info;
  try {
    info = await get('/v1/node', { signal: ctx.signal });
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const operator = info.operator;
  const declared = operator.name || operator.location;
  add(main, 
    h('h2', {}, t('network.thisNode')),
    table(t('network.nodes'), [
      { label: t('network.node') }, { label: t('network.height'), num: true }, { label: t('network.peers'), num: true },
      { label: t('network.version') }, { label: t('network.operator') }, { label: t('network.location') },
    ], [[
      h('a', { href: nodeUrl() }, nodeUrl()),
      num(info.height),
      info.peers === null ? t('network.peersUnknown') : num(info.peers.length),
      info.version,
      operator.name || t('network.notDeclared'),
      operator.location || t('network.notDeclared'),
    ]], { id: 'nodes-table' }),
    h('div', { class: 'card' }, facts([
      [t('network.chain'), info.chain_id],
      [t('network.consensus'), info.consensus === 'embedded' ? t('network.embedded') : info.consensus],
      [t('network.latestTime'), info.latest_block_time ? timeText(info.latest_block_time) : t('none')],
      [t('network.genesisTime'), timeText(info.genesis_time)],
      [t('network.genesisHash'), h('span', { class: 'hash' }, info.genesis_hash)],
      [t('network.modules'), info.modules.map((m) => `${m.name} (${m.actions.join(', ')})`).join('; ')],
    ])),
    declared ? null : notice('info', null, h('p', {}, t('network.declareHint')),
      h('pre', { tabindex: '0' }, h('code', {}, '[operator]\nname = "…"\nlocation = "…"'))),
    h('h2', {}, t('network.features')),
    h('ul', {}, info.features.map((f) => h('li', {},
      h('span', { class: `badge ${f.available ? 'ok' : 'neutral'}` }, f.available ? t('feature.on') : t('feature.off')),
      ' ', t(`feature.${f.name}`)))),
    cli(t('cli.nodeStatus'), `sen --node ${nodeUrl()} node status`),
    info.consensus === 'embedded' ? null : cli(t('cli.networkStatus'), 'sen network status'),
  );
}

export async function validators(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('validators.title'), t('validators.lead')));
  let body;
  try {
    body = await get('/v1/validators', { signal: ctx.signal });
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  add(main, 
    h('div', { class: 'grid' },
      h('div', { class: 'stat' }, h('div', { class: 'label' }, t('validators.count')), h('div', { class: 'value' }, num(body.validators.length))),
      h('div', { class: 'stat' }, h('div', { class: 'label' }, t('validators.totalPower')), h('div', { class: 'value' }, num(body.total_power)))),
    table(t('validators.title'), [
      { label: t('validators.name') }, { label: t('validators.address') }, { label: t('validators.power'), num: true },
      { label: t('validators.share'), num: true },
    ], body.validators.map((v) => [
      v.name || t('none'),
      h('a', { class: 'hash', href: `#/validator/${v.address}` }, v.address),
      num(v.power),
      percent(v.power / body.total_power),
    ]), { id: 'validators-table' }),
    h('p', { class: 'hint' }, t('validators.fromGenesis')),
    notice('info', t('validators.changesTitle'), h('p', {}, t('validators.changesText'))),
    cli(t('cli.genesis'), `curl -o genesis.json ${nodeUrl()}/v1/genesis`),
  );
}

export async function validator(ctx) {
  const { main, params } = ctx;
  const address = params.address.toLowerCase();
  add(main, ...pageHeader(t('validator.title')));
  let body;
  try {
    body = await get('/v1/validators', { signal: ctx.signal });
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const found = body.validators.find((v) => v.address === address);
  if (!found) {
    add(main, notice('warn', t('validator.notFound'), h('p', { class: 'hash' }, address)));
    return;
  }
  add(main, h('div', { class: 'card' }, facts([
    [t('validators.name'), found.name || t('none')],
    [t('validators.address'), h('span', { class: 'hash' }, found.address)],
    [t('validator.publicKey'), h('span', { class: 'hash' }, found.public_key)],
    [t('validators.power'), num(found.power)],
    [t('validators.share'), percent(found.power / body.total_power)],
  ])), h('p', {}, h('a', { href: '#/validators' }, t('validator.all'))));
}

async function unavailable(ctx, { title, lead, feature, textKey }) {
  const { main } = ctx;
  add(main, ...pageHeader(title, lead));
  let info;
  try {
    info = await nodeInfo();
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const present = info.features.find((f) => f.name === feature);
  if (present && present.available) {
    add(main, notice('info', t('unavailable.consoleTitle'), h('p', {}, t('unavailable.consoleText'))));
    return;
  }
  add(main, h('div', { class: 'notice warn', id: 'unavailable' },
    h('h2', {}, t('unavailable.title')),
    h('p', {}, t(textKey)),
    h('p', {}, t('unavailable.howActions'))));
  add(main, empty(t('unavailable.nothingShown')));
}

export function organisations(ctx) {
  return unavailable(ctx, {
    title: t('organisations.title'), lead: t('organisations.lead'), feature: 'membership', textKey: 'organisations.unavailable',
  });
}

export function governance(ctx) {
  return unavailable(ctx, {
    title: t('governance.title'), lead: t('governance.lead'), feature: 'governance', textKey: 'governance.unavailable',
  });
}

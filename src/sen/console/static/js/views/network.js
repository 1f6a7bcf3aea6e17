// Network administration views, read-only: this node, validators and voting power (and how
// governance changes them), and the plain "not on this chain" of the consortium areas.

import { get } from '../api.js';
import { add, h } from '../dom.js';
import { t, num, percent } from '../i18n.js';
import { nodeInfo } from '../state.js';
import { pageHeader, facts, table, timeText, notice, errorBox, cli, nodeUrl, empty, quoteArg } from '../ui.js';

export function stat(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

/** True if the chain runs `feature`; otherwise says plainly that it does not, and returns false. */
export async function featureGate(ctx, feature, textKey) {
  let info;
  try {
    info = await nodeInfo();
  } catch (err) {
    add(ctx.main, errorBox(err));
    return false;
  }
  const present = info.features.find((f) => f.name === feature);
  if (present && present.available) return true;
  add(ctx.main, h('div', { class: 'notice warn', id: 'unavailable' },
    h('h2', {}, t('unavailable.title')),
    h('p', {}, t(textKey)),
    h('p', {}, t('unavailable.howActions'))));
  add(ctx.main, empty(t('unavailable.nothingShown')));
  return false;
}

function setValidatorCommand(publicKey, power) {
  const payload = JSON.stringify({ pub_key: `hex:${publicKey}`, power });
  return `sen --node ${nodeUrl()} gov propose set_validator --payload ${quoteArg(payload)} --key ADMIN`;
}

async function governed() {
  const info = await nodeInfo().catch(() => null);
  const feature = info ? info.features.find((f) => f.name === 'governance') : null;
  return { on: Boolean(feature && feature.available), embedded: Boolean(info && info.consensus === 'embedded') };
}

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
  let governance;
  try {
    [body, governance] = await Promise.all([get('/v1/validators', { signal: ctx.signal }), governed()]);
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const fromState = body.source === 'state';
  add(main,
    h('div', { class: 'grid' },
      stat(t('validators.count'), num(body.validators.length)),
      stat(t('validators.totalPower'), num(body.total_power))),
    table(t('validators.title'), [
      { label: t('validators.name') }, { label: t('validators.address') }, { label: t('validators.power'), num: true },
      { label: t('validators.share'), num: true },
    ], body.validators.map((v) => [
      v.name || t('none'),
      h('a', { class: 'hash', href: `#/validator/${v.address}` }, v.address),
      num(v.power),
      percent(v.power / body.total_power),
    ]), { id: 'validators-table' }),
    h('p', { class: 'hint', id: 'validators-source' }, `${t('validators.source')}: `,
      fromState ? t('validators.sourceState') : t('validators.sourceGenesis'), '.'),
    governance.on
      ? notice('info', t('validators.governedTitle'), h('p', {}, t('validators.governedText')),
        governance.embedded ? h('p', {}, t('validators.embeddedNote')) : null,
        cli(t('cli.setValidator'), setValidatorCommand('…', 10)))
      : notice('info', t('validators.changesTitle'), h('p', {}, t('validators.changesText'))),
    cli(fromState ? t('cli.genesisFile') : t('cli.genesis'), `curl -o genesis.json ${nodeUrl()}/v1/genesis`),
  );
}

export async function validator(ctx) {
  const { main, params } = ctx;
  const address = params.address.toLowerCase();
  add(main, ...pageHeader(t('validator.title')));
  let body;
  let governance;
  try {
    [body, governance] = await Promise.all([get('/v1/validators', { signal: ctx.signal }), governed()]);
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
  ])),
  governance.on ? cli(t('cli.setValidatorThis'), setValidatorCommand(found.public_key, found.power)) : null,
  h('p', {}, h('a', { href: '#/validators' }, t('validator.all'))));
}

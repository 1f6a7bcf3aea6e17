// Interchain: this chain's light clients of other chains (live: heights and expiry refresh
// every few seconds) and, where this node keeps a chain directory, the map of member chains
// and the links between them. Read-only; linking and relaying are CLI commands.

import { get } from '../api.js';
import { add, h, replace, s } from '../dom.js';
import { t, num } from '../i18n.js';
import { pageHeader, table, timeText, notice, errorBox, cli, nodeUrl, empty } from '../ui.js';

const LIVE_MS = 3000;
const MAP = 420;

function clientState(client, now) {
  if (client.frozen_height) return ['bad', t('chains.frozen', { height: num(client.frozen_height) })];
  if (Date.parse(client.expires) <= now) return ['bad', t('chains.expired')];
  return ['ok', t('chains.active')];
}

function clientRows(clients) {
  const now = Date.now();
  return clients.map((c) => {
    const [kind, label] = clientState(c, now);
    return [
      h('span', { class: 'hash nowrap' }, c.client_id),
      c.chain_id,
      c.counterparty_client_id || t('chains.notPaired'),
      num(c.latest_height),
      timeText(c.latest_time),
      timeText(c.expires),
      h('span', { class: `badge ${kind}` }, label),
    ];
  });
}

function clientsTable(clients) {
  return table(t('chains.clients'), [
    { label: t('chains.client') }, { label: t('chains.chain') }, { label: t('chains.counterparty') },
    { label: t('chains.height'), num: true }, { label: t('chains.headerTime') },
    { label: t('chains.expires') }, { label: t('chains.state') },
  ], clientRows(clients), { id: 'clients-table' });
}

/** Chains on a circle, links as lines: an SVG drawn from data, with a title and description. */
function chainMap(chains, links) {
  const centre = MAP / 2;
  const radius = MAP / 2 - 70;
  const place = new Map(chains.map((c, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, chains.length) - Math.PI / 2;
    return [c.chain_id, [centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)]];
  }));
  const svg = s('svg', {
    class: 'chart chain-map', id: 'chain-map', viewBox: `0 0 ${MAP} ${MAP}`, role: 'img',
    'aria-labelledby': 'chain-map-title chain-map-desc',
  }, s('title', { id: 'chain-map-title' }, t('chains.mapTitle')),
  s('desc', { id: 'chain-map-desc' }, t('chains.mapDesc', { chains: num(chains.length), links: num(links.length) })));
  for (const link of links) {
    const [x1, y1] = place.get(link.from);
    const [x2, y2] = place.get(link.to);
    svg.append(s('line', { class: 'link', x1, y1, x2, y2, stroke: 'currentColor', 'stroke-width': 2 }));
  }
  for (const chain of chains) {
    const [x, y] = place.get(chain.chain_id);
    svg.append(s('g', { class: 'chain' },
      s('circle', { cx: x, cy: y, r: 9, fill: 'currentColor' }),
      s('text', { x, y: y + (y < centre ? -34 : 28), 'text-anchor': 'middle' }, chain.chain_id),
      s('text', { x, y: y + (y < centre ? -18 : 44), 'text-anchor': 'middle', class: 'muted' }, chain.sector)));
  }
  return svg;
}

/** Links between listed chains, once each (both chains may record the same pair). */
function directoryLinks(chains) {
  const listed = new Set(chains.map((c) => c.chain_id));
  const seen = new Set();
  const links = [];
  for (const chain of chains) {
    for (const link of chain.links) {
      if (!listed.has(link.counterparty)) continue;
      const ends = [`${chain.chain_id}/${link.client_id}`, `${link.counterparty}/${link.counterparty_client_id}`].sort();
      const key = ends.join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      links.push({ from: chain.chain_id, to: link.counterparty, client: link.client_id, other: link.counterparty_client_id });
    }
  }
  return links;
}

async function directory(ctx, here, clients) {
  let body;
  try {
    body = await get('/v1/directory/chains?limit=200', { signal: ctx.signal });
  } catch (err) {
    return null; // no directory module on this chain, or an older node: nothing to draw
  }
  if (!body.chains || body.chains.length === 0) {
    return [h('h2', {}, t('chains.directory')), empty(t('chains.directoryEmpty'))];
  }
  const links = directoryLinks(body.chains);
  const heights = new Map(clients.map((c) => [c.client_id, c.latest_height]));
  return [
    h('h2', {}, t('chains.directory')),
    h('p', {}, t('chains.directoryLead', { total: num(body.total) })),
    h('div', { class: 'card' }, chainMap(body.chains, links)),
    table(t('chains.members'), [
      { label: t('chains.chain') }, { label: t('chains.sector') }, { label: t('chains.operator') },
      { label: t('chains.endpoint') }, { label: t('chains.datasets'), num: true },
    ], body.chains.map((c) => {
      const rest = c.endpoints.find((e) => e.kind === 'rest');
      return [c.chain_id, c.sector, c.operator, rest ? rest.url : t('none'), num(c.datasets.length)];
    }), { id: 'members-table' }),
    table(t('chains.links'), [
      { label: t('chains.from') }, { label: t('chains.to') }, { label: t('chains.height'), num: true },
    ], links.map((l) => [
      `${l.from} (${l.client})`,
      `${l.to} (${l.other})`,
      l.from === here && heights.has(l.client) ? num(heights.get(l.client))
        : l.to === here && heights.has(l.other) ? num(heights.get(l.other)) : t('chains.elsewhere'),
    ]), { id: 'links-table' }),
    cli(t('cli.relayDirectory'), `sen relay --directory ${nodeUrl()} --key RELAYER`),
  ];
}

export async function page(ctx) {
  const { main } = ctx;
  add(main, ...pageHeader(t('chains.title'), t('chains.lead')));
  let status;
  let listed;
  try {
    [status, listed] = await Promise.all([
      get('/v1/status', { signal: ctx.signal }),
      get('/v1/interchain/clients?limit=200', { signal: ctx.signal }),
    ]);
  } catch (err) {
    add(main, errorBox(err));
    return;
  }
  const live = h('div', { id: 'clients', 'aria-live': 'polite' });
  add(main, h('h2', {}, t('chains.clients')), live);
  const paint = (clients) => replace(live, clients.length
    ? clientsTable(clients)
    : notice('info', null, h('p', {}, t('chains.noClients'))));
  paint(listed.clients);
  ctx.every(LIVE_MS, async () => {
    const fresh = await get('/v1/interchain/clients?limit=200', { signal: ctx.signal });
    paint(fresh.clients);
  });
  add(main, await directory(ctx, status.chain_id, listed.clients));
  add(main,
    cli(t('cli.link'), `sen --node ${nodeUrl()} interchain link --other OTHER-NODE-URL --key ADMIN --other-key OTHER-ADMIN --relay-file relay.toml`),
    cli(t('cli.relay'), 'sen relay --config relay.toml'));
}

// Statistics for state management: a period's activity, charts drawn locally, CSV/JSON export.

import { get } from '../api.js';
import { add, h } from '../dom.js';
import { t, num, day } from '../i18n.js';
import { stackedBars, horizontalBars } from '../chart.js';
import { pageHeader, table, notice, errorBox, empty, cli, nodeUrl } from '../ui.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

function periodForm(from, to) {
  const form = h('form', { class: 'card', id: 'stats-form', novalidate: true },
    h('div', { class: 'form-row' },
      h('div', { class: 'field' }, h('label', { for: 'stats-from' }, t('stats.from')),
        h('input', { type: 'date', id: 'stats-from', name: 'from', value: from || '', required: true })),
      h('div', { class: 'field' }, h('label', { for: 'stats-to' }, t('stats.to')),
        h('input', { type: 'date', id: 'stats-to', name: 'to', value: to || '', required: true })),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, t('stats.show')))),
    h('p', { class: 'hint' }, t('stats.timezone')),
    h('div', { id: 'stats-form-error', 'aria-live': 'polite' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fromValue = form.querySelector('#stats-from').value;
    const toValue = form.querySelector('#stats-to').value;
    const box = form.querySelector('#stats-form-error');
    box.textContent = '';
    let problem = '';
    if (!DATE.test(fromValue) || !DATE.test(toValue)) problem = t('stats.badDate');
    else if (fromValue > toValue) problem = t('stats.badOrder');
    else if (daysBetween(fromValue, toValue) > MAX_DAYS) problem = t('stats.tooLong', { days: num(MAX_DAYS) });
    if (problem) {
      add(box, notice('bad', null, h('p', {}, problem)));
      return;
    }
    window.location.hash = `#/stats?from=${fromValue}&to=${toValue}`;
  });
  return form;
}

function card(label, value, id) {
  return h('div', { class: 'stat', id }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

export async function page(ctx) {
  const { main, query } = ctx;
  const from = query.get('from');
  const to = query.get('to');
  add(main, ...pageHeader(t('stats.title'), t('stats.lead')));
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  let report;
  try {
    report = await get(`/v1/statistics?${params}`, { signal: ctx.signal, timeout: 60000 });
  } catch (err) {
    add(main, periodForm(from, to), errorBox(err, t('stats.errorTitle')));
    return;
  }
  const period = `from=${report.from}&to=${report.to}`;
  const totals = report.totals;
  add(main, 
    periodForm(report.from, report.to),
    h('p', {}, t('stats.period', { from: day(report.from), to: day(report.to), chain: report.chain_id })),
    h('div', { class: 'pager', role: 'group', 'aria-label': t('stats.exportLabel') },
      h('a', { class: 'button secondary', id: 'export-csv', href: `/v1/statistics/export?format=csv&${period}`, download: '' }, t('stats.exportCsv')),
      h('a', { class: 'button secondary', id: 'export-json', href: `/v1/statistics/export?format=json&${period}`, download: '' }, t('stats.exportJson'))),
    h('div', { class: 'grid', id: 'stats-totals' },
      card(t('stats.transactions'), num(totals.transactions), 'total-transactions'),
      card(t('stats.succeeded'), num(totals.succeeded)),
      card(t('stats.failed'), num(totals.failed)),
      card(t('stats.anchors'), num(totals.anchors), 'total-anchors'),
      card(t('stats.organisations'), num(totals.organisations), 'total-organisations'),
      card(t('stats.nodes'), num(totals.validators)),
      card(t('stats.blocks'), num(totals.blocks)),
      card(t('stats.credentialsRevoked'), num(totals.credentials_revoked ?? 0), 'total-revoked'),
    ),
  );
  const days = report.days.map((d) => d.date);
  const actionNames = [...new Set(report.by_action.map((a) => `${a.module}.${a.action}`))].sort();
  const series = actionNames.map((name) => ({
    label: name,
    values: days.map((d) => report.by_action.filter((a) => a.date === d && `${a.module}.${a.action}` === name)
      .reduce((sum, a) => sum + a.transactions, 0)),
  }));
  add(main, h('h2', {}, t('stats.txsPerDay')));
  if (totals.transactions === 0) {
    add(main, empty(t('stats.noActivity')));
  } else {
    add(main, 
      stackedBars({ id: 'chart-txs', title: t('stats.txsPerDay'), description: t('stats.txsPerDayDesc', { total: num(totals.transactions) }), days, series }),
      h('ul', { class: 'legend' }, series.map((one, j) => h('li', {}, h('span', { class: `swatch c${j % 6}`, 'aria-hidden': 'true' }), one.label))),
    );
  }
  add(main, h('h2', {}, t('stats.anchorsPerDay')));
  add(main, totals.anchors === 0 ? empty(t('stats.noAnchors')) : stackedBars({
    id: 'chart-anchors', title: t('stats.anchorsPerDay'), description: t('stats.anchorsPerDayDesc', { total: num(totals.anchors) }),
    days, series: [{ label: t('stats.anchors'), values: report.days.map((d) => d.anchors) }],
  }));
  const perOrganisation = new Map();
  for (const row of report.by_organisation) {
    const seen = perOrganisation.get(row.organisation) || { transactions: 0, anchors: 0 };
    seen.transactions += row.transactions;
    seen.anchors += row.anchors;
    perOrganisation.set(row.organisation, seen);
  }
  const organisations = [...perOrganisation.entries()].sort((a, b) => b[1].anchors - a[1].anchors || a[0].localeCompare(b[0]));
  add(main, h('h2', {}, t('stats.byOrganisation')));
  if (organisations.length === 0) {
    add(main, empty(t('stats.noOrganisations')));
  } else {
    add(main, 
      horizontalBars({ id: 'chart-organisations', title: t('stats.byOrganisation'), description: t('stats.byOrganisationDesc'),
        items: organisations.map(([label, v]) => ({ label, value: v.anchors })) }),
      table(t('stats.byOrganisation'), [{ label: t('stats.organisation') }, { label: t('stats.transactions'), num: true }, { label: t('stats.anchors'), num: true }],
        organisations.map(([label, v]) => [label, num(v.transactions), num(v.anchors)]), { id: 'organisations-table' }),
    );
  }
  add(main, 
    h('details', {}, h('summary', {}, t('stats.dayTable')),
      table(t('stats.dayTable'), [
        { label: t('stats.date') }, { label: t('stats.transactions'), num: true }, { label: t('stats.succeeded'), num: true },
        { label: t('stats.failed'), num: true }, { label: t('stats.anchors'), num: true }, { label: t('stats.blocks'), num: true },
      ], report.days.map((d) => [day(d.date), num(d.transactions), num(d.succeeded), num(d.failed), num(d.anchors), num(d.blocks)]),
      { id: 'days-table' })),
    notice('info', null, h('p', {}, t('stats.credentialsNote'))),
    cli(t('cli.statsExport'), `curl -o report.csv '${nodeUrl()}/v1/statistics/export?format=csv&${period}'`),
  );
}

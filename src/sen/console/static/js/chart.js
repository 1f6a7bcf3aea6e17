// Small SVG charts drawn here (no chart library): stacked bars per day and horizontal bars.
// Each chart has a title and description for screen readers; the page also shows the numbers
// as a table.

import { s } from './dom.js';
import { num, shortDay } from './i18n.js';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { top: 16, right: 12, bottom: 44, left: 48 };

/** A top for the axis: four equal steps of 1, 2 or 5 × 10^k (whole numbers for counts). */
function niceMax(value) {
  const rough = Math.max(1, value) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  return Math.max(4, Math.ceil(step) * 4);
}

/**
 * Stacked bars: days = ['2026-01-01', ...]; series = [{label, values: [per day]}].
 */
export function stackedBars({ id, title, description, days, series }) {
  const totals = days.map((_, i) => series.reduce((sum, one) => sum + one.values[i], 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, Math.min(40, slot * 0.7));
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const svg = s('svg', {
    class: 'chart', id, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
    preserveAspectRatio: 'xMidYMid meet',
  }, s('title', { id: titleId }, title), s('desc', { id: descId }, description));
  for (let k = 0; k <= 4; k += 1) {
    const value = (top / 4) * k;
    svg.append(
      s('line', { class: 'grid-line', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
      s('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, num(value)),
    );
  }
  svg.append(s('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0) }));
  const labelEvery = Math.max(1, Math.ceil(days.length / 10));
  days.forEach((day, i) => {
    const x = PAD.left + slot * i + (slot - barW) / 2;
    let base = 0;
    series.forEach((one, j) => {
      const value = one.values[i];
      if (value > 0) {
        svg.append(s('rect', { class: `c${j % 6}`, x, width: barW, y: y(base + value), height: y(base) - y(base + value) },
          s('title', {}, `${shortDay(day)} · ${one.label}: ${num(value)}`)));
      }
      base += value;
    });
    if (i % labelEvery === 0) {
      svg.append(s('text', { x: x + barW / 2, y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle' }, shortDay(day)));
    }
  });
  return svg;
}

/** Horizontal bars: items = [{label, value}], largest first. */
export function horizontalBars({ id, title, description, items }) {
  const rowH = 28;
  const labelW = 240;
  const height = Math.max(1, items.length) * rowH + 12;
  const top = niceMax(Math.max(0, ...items.map((i) => i.value)));
  const plotW = WIDTH - labelW - 60;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const svg = s('svg', {
    class: 'chart', id, viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
  }, s('title', { id: titleId }, title), s('desc', { id: descId }, description));
  items.forEach((item, i) => {
    const yy = 6 + i * rowH;
    const w = (item.value / top) * plotW;
    const label = item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label;
    svg.append(
      s('text', { x: labelW - 8, y: yy + 17, 'text-anchor': 'end' }, label),
      s('rect', { class: 'c1', x: labelW, y: yy + 4, width: Math.max(1, w), height: rowH - 10 }, s('title', {}, `${item.label}: ${num(item.value)}`)),
      s('text', { x: labelW + Math.max(1, w) + 6, y: yy + 17 }, num(item.value)),
    );
  });
  return svg;
}

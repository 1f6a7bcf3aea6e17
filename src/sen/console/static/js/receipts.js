// Anchorings of a digest, shown alike by the explorer and the verification portal, with a
// button that downloads each one's receipt (checkable offline with `sen verify`).

import { get, ApiError, describeError } from './api.js';
import { h, replace } from './dom.js';
import { t, num } from './i18n.js';
import { blockLink, txLink, accountLink, timeText, facts, cli, nodeUrl } from './ui.js';

const RETRIES = 15;
const RETRY_MS = 1000;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}

export function receiptFileName(digest, anchoring) {
  return `receipt-${digest.slice(0, 16)}-${anchoring}.json`;
}

/** Fetch a receipt (waiting while the next block is made) and save it as a file. */
export async function downloadReceipt(algorithm, digest, anchoring, statusEl, signal) {
  const path = `/v1/evidence/${algorithm}/${digest}/receipt?anchoring=${anchoring}`;
  replace(statusEl, t('receipt.fetching'));
  for (let attempt = 0; ; attempt += 1) {
    try {
      const body = await get(path, { signal });
      const blob = new Blob([`${JSON.stringify(body, null, 2)}\n`], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: receiptFileName(digest, anchoring), hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      replace(statusEl, t('receipt.saved', { file: receiptFileName(digest, anchoring) }));
      return;
    } catch (err) {
      const notYet = err instanceof ApiError && err.status === 409;
      if (notYet && attempt < RETRIES) {
        replace(statusEl, t('receipt.waiting'));
        await sleep(RETRY_MS, signal);
        continue;
      }
      replace(statusEl, describeError(err).message);
      return;
    }
  }
}

/** One card per anchoring, oldest first. */
export function anchoringList(algorithm, digest, anchorings, signal) {
  return h('ol', { class: 'anchorings', reversed: false },
    anchorings.map((a, n) => {
      const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
      const button = h('button', { type: 'button', class: 'secondary', 'data-anchoring': n },
        t('receipt.download'));
      button.addEventListener('click', () => downloadReceipt(algorithm, digest, n, status, signal));
      return h('li', { class: 'card' },
        h('h3', {}, t('evidence.anchoringN', { n: num(n + 1) })),
        facts([
          [t('evidence.time'), timeText(a.time)],
          [t('evidence.organisation'), a.organisation],
          [t('evidence.docTitle'), a.title],
          [t('evidence.reference'), a.reference],
          [t('evidence.issuer'), accountLink(a.sender, true)],
          [t('evidence.block'), blockLink(a.height)],
          [t('evidence.tx'), txLink(a.tx_hash)],
          [t('evidence.batch'), a.batch ? t('evidence.batchLeaf', { leaf: num(a.leaf) }) : t('evidence.single')],
        ]),
        h('p', {}, button), status);
    }));
}

export function receiptCommands(algorithm, digest) {
  const alg = algorithm === 'sha-256' ? '' : ` --algorithm ${algorithm}`;
  const file = receiptFileName(digest, 0);
  return [
    cli(t('cli.receipt'), `sen --node ${nodeUrl()} evidence receipt ${digest}${alg} -o ${file}`),
    cli(t('cli.verify'), `sen verify ${file} --file DOCUMENT --genesis genesis.json`),
  ];
}

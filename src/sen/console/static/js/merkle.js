// CometBFT's Merkle tree (RFC 6962 style), as src/sen/ledger/light/merkle.py computes it:
// leaf = SHA-256(0x00 ‖ item), inner = SHA-256(0x01 ‖ left ‖ right), the left subtree of n
// items holding the largest power of two below n. An inclusion proof lists the aunts from the
// leaf's sibling up; the root it leads to is compared with the root anchored on chain.

import { Sha256 } from './sha256.js';

/** Why a proof leads nowhere; `code` names it for the message. */
export class ProofError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.name = 'ProofError';
    this.code = code;
    this.detail = detail;
  }
}

function hash(...parts) {
  const hasher = new Sha256();
  parts.forEach((part) => hasher.update(part));
  return hasher.digest();
}

export function leafHash(item) {
  return hash(Uint8Array.of(0), item);
}

export function innerHash(left, right) {
  return hash(Uint8Array.of(1), left, right);
}

function splitPoint(total) {
  let k = 1;
  while (k * 2 < total) k *= 2;
  return k;
}

/** For each level from the top down: is the item's node on the left of its split? */
function path(index, total) {
  const sides = [];
  let i = index;
  let n = total;
  while (n > 1) {
    const k = splitPoint(n);
    if (i < k) {
      sides.push(true);
      n = k;
    } else {
      sides.push(false);
      i -= k;
      n -= k;
    }
  }
  return sides;
}

/** The root that `item`, as item `index` of `total` with these `aunts` (Uint8Array, 32 bytes
 * each, the nearest first), leads to; a ProofError if the proof's shape is wrong. */
export function rootFromProof(item, { total, index, aunts }) {
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(index) || total <= 0 || index < 0 || index >= total) {
    throw new ProofError('indexOutOfRange', `${index} of ${total}`);
  }
  const sides = path(index, total);
  if (sides.length !== aunts.length) throw new ProofError('auntCount', `${aunts.length}, expected ${sides.length}`);
  let node = leafHash(item);
  aunts.forEach((aunt, i) => {
    node = sides[sides.length - 1 - i] ? innerHash(node, aunt) : innerHash(aunt, node);
  });
  return node;
}

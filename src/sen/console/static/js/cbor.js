// Sen's canonical CBOR (docs/spec/encoding.md), read in the browser for the vault's access-log
// entries: maps with text keys, text, unsigned integers and byte strings, nothing else. Only the
// canonical form is taken (shortest lengths, keys in order, no duplicates, nothing left over),
// so bytes that decode here are the one encoding of what they say.

const MAX_DEPTH = 4;
const TEXT = new TextDecoder('utf-8', { fatal: true });

/** Why some bytes are not an entry this page reads; `code` names it for the message. */
export class CborError extends Error {
  constructor(code, offset) {
    super(`${code} at byte ${offset}`);
    this.name = 'CborError';
    this.code = code;
    this.offset = offset;
  }
}

function compareBytes(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  take(count) {
    if (this.at + count > this.bytes.length) throw new CborError('truncated', this.at);
    const slice = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return slice;
  }

  /** A head's major type and argument, in its shortest form only. */
  head() {
    const start = this.at;
    const [first] = this.take(1);
    const major = first >> 5;
    const info = first & 0x1f;
    if (info < 24) return { major, value: info, start };
    if (info > 27) throw new CborError('indefinite', start);
    const size = 1 << (info - 24);
    let value = 0n;
    for (const byte of this.take(size)) value = (value << 8n) | BigInt(byte);
    const smallest = info === 24 ? 24n : 1n << BigInt(8 * (size / 2));
    if (value < smallest) throw new CborError('notShortest', start);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError('tooLarge', start);
    return { major, value: Number(value), start };
  }

  item(depth) {
    const { major, value, start } = this.head();
    switch (major) {
      case 0:
        return value;
      case 2:
        return this.take(value).slice();
      case 3:
        try {
          return TEXT.decode(this.take(value));
        } catch {
          throw new CborError('badText', start);
        }
      case 5:
        return this.map(value, depth + 1);
      default:
        throw new CborError('unsupported', start);
    }
  }

  map(count, depth) {
    if (depth > MAX_DEPTH) throw new CborError('tooDeep', this.at);
    const found = new Map();
    let previous = null;
    for (let i = 0; i < count; i += 1) {
      const keyStart = this.at;
      const key = this.item(depth);
      if (typeof key !== 'string') throw new CborError('keyNotText', keyStart);
      const encoded = this.bytes.subarray(keyStart, this.at);
      if (previous && compareBytes(previous, encoded) >= 0) throw new CborError('keysOutOfOrder', keyStart);
      previous = encoded;
      found.set(key, this.item(depth));
    }
    return found;
  }
}

/** The value of canonical `bytes`: numbers, strings, Uint8Array and Map (text keys). */
export function decodeCanonical(bytes) {
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.at !== bytes.length) throw new CborError('trailing', reader.at);
  return value;
}

/** Hex text to bytes, or null if it is not an even number of hex digits. */
export function hexBytes(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

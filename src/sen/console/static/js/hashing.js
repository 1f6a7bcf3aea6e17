// Hashing a document in the browser: the file never leaves the computer, only its digest does.

import { Sha256, toHex } from './sha256.js';

export const limits = {
  // Larger files are refused with a message; a person can still use `sen evidence lookup FILE`.
  documentBytes: 4 * 1024 * 1024 * 1024,
  // WebCrypto hashes a whole buffer at once: above this, hash in chunks instead.
  webCryptoBytes: 256 * 1024 * 1024,
  receiptBytes: 16 * 1024 * 1024,
  chunkBytes: 4 * 1024 * 1024,
  forceIncremental: false,
};

export class FileTooLarge extends Error {
  constructor(size, limit) {
    super('file too large');
    this.size = size;
    this.limit = limit;
  }
}

/** The SHA-256 digest of a File, hex; onProgress(fraction) while hashing big files. */
export async function sha256File(file, { onProgress, signal } = {}) {
  if (file.size > limits.documentBytes) throw new FileTooLarge(file.size, limits.documentBytes);
  const subtle = window.crypto && window.crypto.subtle;
  if (subtle && !limits.forceIncremental && file.size <= limits.webCryptoBytes) {
    const buffer = await file.arrayBuffer();
    if (onProgress) onProgress(1);
    return toHex(new Uint8Array(await subtle.digest('SHA-256', buffer)));
  }
  const hasher = new Sha256();
  for (let offset = 0; offset < file.size; offset += limits.chunkBytes) {
    if (signal && signal.aborted) throw signal.reason;
    const chunk = new Uint8Array(await file.slice(offset, offset + limits.chunkBytes).arrayBuffer());
    hasher.update(chunk);
    if (onProgress) onProgress(Math.min(1, (offset + chunk.length) / file.size));
  }
  if (onProgress) onProgress(1);
  return toHex(hasher.digest());
}

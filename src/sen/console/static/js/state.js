// What the console reads once and keeps: the node's description and the result code meanings.

import { get } from './api.js';

let nodePromise = null;
let codesPromise = null;

/** GET /v1/node, cached (its modules and operator do not change while the node runs). */
export function nodeInfo() {
  if (!nodePromise) {
    nodePromise = get('/v1/node').catch((err) => {
      nodePromise = null;
      throw err;
    });
  }
  return nodePromise;
}

/** Is a planned area (membership, governance, credentials...) on this chain? */
export async function hasFeature(name) {
  const info = await nodeInfo();
  const feature = info.features.find((f) => f.name === name);
  return Boolean(feature && feature.available);
}

/** code -> {name, en, vi}, from GET /v1/codes. */
export function resultCodes() {
  if (!codesPromise) {
    codesPromise = get('/v1/codes')
      .then((body) => new Map(body.codes.map((c) => [c.code, c])))
      .catch((err) => {
        codesPromise = null;
        throw err;
      });
  }
  return codesPromise;
}

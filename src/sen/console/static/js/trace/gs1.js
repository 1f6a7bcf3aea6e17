// GS1 keys as the resolver spells them (its Digital Link path, 01/<GTIN>/10/<lot>), so that the
// page can tell which quantities of an event are the scanned product's and link to the others'
// pages. The same rules as sen.light.gs1_keys.canonical_key, for the schemes a journey names.

const EPC = /^urn:epc:(id|class|idpat):(sgtin|lgtin|sscc):(\d{4,12})\.([^.]*)(?:\.(.*))?$/;

export function checkDigit(digits) {
  let total = 0;
  [...digits].reverse().forEach((d, i) => { total += Number(d) * (i % 2 === 0 ? 3 : 1); });
  return String((10 - (total % 10)) % 10);
}

function gtin(prefix, itemReference) {
  const body = itemReference.slice(0, 1) + prefix + itemReference.slice(1);
  return body + checkDigit(body);
}

function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fromEpc(identifier) {
  const match = EPC.exec(identifier);
  if (!match) return null;
  const [, kind, scheme, prefix, first, rest] = match;
  if (!/^\d+$/.test(first)) return null;
  if (kind === 'idpat') return scheme === 'sgtin' && rest === '*' ? `01/${gtin(prefix, first)}` : null;
  if (scheme === 'sscc') {
    const body = first.slice(0, 1) + prefix + first.slice(1);
    return body.length === 17 ? `00/${body}${checkDigit(body)}` : null;
  }
  if (rest === undefined) return null;
  return `01/${gtin(prefix, first)}/${scheme === 'sgtin' ? '21' : '10'}/${decoded(rest)}`;
}

function fromLink(identifier) {
  let segments;
  try {
    segments = new URL(identifier).pathname.split('/').map(decoded);
  } catch {
    return null;
  }
  const at = segments.findIndex((s, i) => (s === '01' || s === '00') && i < segments.length - 1);
  if (at < 0) return null;
  return segments.slice(at).filter((s) => s !== '').join('/');
}

/** The Digital Link path of an EPC URI or a Digital Link URI; null when it is neither. */
export function canonicalKey(identifier) {
  if (typeof identifier !== 'string') return null;
  if (identifier.startsWith('urn:epc:')) return fromEpc(identifier);
  if (/^https?:\/\//.test(identifier)) return fromLink(identifier);
  return null;
}

/** What a key is: {kind: 'lot'|'serial'|'gtin'|'sscc', gtin, lot, serial, sscc}. */
export function describeKey(key) {
  const parts = key.split('/');
  if (parts[0] === '00') return { kind: 'sscc', sscc: parts[1] };
  if (parts.length >= 4 && parts[2] === '10') return { kind: 'lot', gtin: parts[1], lot: parts.slice(3).join('/') };
  if (parts.length >= 4 && parts[2] === '21') return { kind: 'serial', gtin: parts[1], serial: parts.slice(3).join('/') };
  return { kind: 'gtin', gtin: parts[1] || key };
}

const SGLN = /^urn:epc:id:sgln:(\d{4,12})\.(\d*)\.(.*)$/;

/** The 13-digit GLN of a place: an SGLN EPC URI (its extension dropped) or a Digital Link
 * URI with /414/; null when it is neither. */
export function glnOf(identifier) {
  if (typeof identifier !== 'string') return null;
  const sgln = SGLN.exec(identifier);
  if (sgln) {
    const body = sgln[1] + sgln[2];
    return body.length === 12 ? body + checkDigit(body) : null;
  }
  const link = /^https?:\/\/[^/]+(?:\/[^?#]*)?\/414\/(\d{13})(?:\/|$)/.exec(identifier);
  return link ? link[1] : null;
}

/** A key as a URL path, each segment encoded (a lot may hold any GS1 character). */
export function keyPath(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

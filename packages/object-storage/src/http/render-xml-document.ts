/**
 * A fast renderer for the response documents handlers build (`{Root: {...}}` of plain objects,
 * arrays, strings, numbers and booleans, `@_name` attributes), producing byte for byte what
 * `XmlCodec.render` (fast-xml-parser's builder plus the control-character pass) produces.
 *
 * Why: the generic builder spends most of a 1000-key ListObjectsV2 in per-node bookkeeping (path
 * matching, five regex passes per value, then one more over the whole document); here every value
 * is escaped in one pass and the document is concatenated once. Anything outside that shape
 * (Dates, `#text`, nulls inside attributes, unusual names, deep nesting) returns `undefined` and the
 * caller renders it with `XmlCodec.render`, so the output never depends on which path ran; the
 * equivalence is tested on random documents (`test/render-xml-document.test.ts`).
 *
 * Escaping: `& < > ' "` become the five predefined entities (in text and attributes, as the builder
 * does) and characters XML 1.0 cannot carry literally — C0 controls except TAB and LF, CR, U+FFFE,
 * U+FFFF — become character references, as S3 writes them in keys.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html#object-key-xml-related-constraints
 */
export function renderXmlDocument(doc: Record<string, unknown>): string | undefined {
  const out = content(doc, 0, true);
  return out === undefined ? undefined : '<?xml version="1.0" encoding="UTF-8"?>\n' + out;
}

/** Deeper documents go to the generic builder (which refuses 100 levels). */
const MAX_DEPTH = 64;
/** Element and attribute names the fast path writes verbatim (what handlers use). */
const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const NEEDS_ESCAPE = /[&<>'"\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]/;
const ESCAPES = /[&<>'"\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case "'": return '&apos;';
    case '"': return '&quot;';
    default: return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  }
}

function escape(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, escapeChar) : s;
}

/** A primitive's text as the builder writes it (it keeps the sign of -0). */
function primitiveText(v: unknown): string | undefined {
  if (typeof v === 'string') return escape(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The children of an element whose value is `obj` (attributes skipped: `attributes` writes them),
 * or undefined when the shape is not one this renderer covers. At the top level the builder
 * ignores attributes, and so does this.
 */
function content(obj: Record<string, unknown>, depth: number, top = false): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let out = '';
  for (const name of Object.keys(obj)) {
    const v = obj[name];
    if (name.startsWith('@_')) {
      // Below the top, `attributes` wrote (and checked) these; at the top the builder drops
      // primitive ones and would make elements of others.
      if (top && typeof v === 'object' && v !== null) return undefined;
      continue;
    }
    if (!SIMPLE_NAME.test(name)) return undefined;
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item === undefined) continue;
        // The builder writes an array's nulls before its other items; not worth copying.
        if (item === null) return undefined;
        const el = element(name, item, depth);
        if (el === undefined) return undefined;
        out += el;
      }
      continue;
    }
    const el = element(name, v, depth);
    if (el === undefined) return undefined;
    out += el;
  }
  return out;
}

/** One element `<name attrs>...</name>` for a value (not an array), or undefined when not covered. */
function element(name: string, v: unknown, depth: number): string | undefined {
  if (v === null) return `<${name}/>`;
  if (typeof v !== 'object') {
    const text = primitiveText(v);
    return text === undefined ? undefined : `<${name}>${text}</${name}>`;
  }
  // Nested arrays, Dates, Buffers, Maps...: the builder has its own ideas; leave them to it.
  if (Array.isArray(v) || !isPlainObject(v)) return undefined;
  const o = v as Record<string, unknown>;
  if ('#text' in o) return undefined;
  const attrs = attributes(o);
  if (attrs === undefined) return undefined;
  const inner = content(o, depth + 1);
  if (inner === undefined) return undefined;
  return `<${name}${attrs}>${inner}</${name}>`;
}

/** The attributes of an element (`@_name` keys, primitive values), or undefined when not covered. */
function attributes(o: Record<string, unknown>): string | undefined {
  let out = '';
  for (const key of Object.keys(o)) {
    if (!key.startsWith('@_')) continue;
    const v = o[key];
    if (v === undefined || v === null) continue;
    const name = key.slice(2);
    if (!SIMPLE_NAME.test(name)) return undefined;
    const text = primitiveText(v);
    if (text === undefined) return undefined;
    // The builder writes an attribute whose value is "true" as a bare (boolean) attribute.
    out += text === 'true' ? ` ${name}` : ` ${name}="${text}"`;
  }
  return out;
}

import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from '@keyless/core';

/** The namespace of every S3 response document. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Largest XML request body we read (AWS caps DeleteObjects at 1000 keys; 1 MiB is ample). */
export const MAX_XML_BYTES = 1024 * 1024;

/**
 * Renders and parses S3 XML documents. The parser is configured for hostile input: no DOCTYPE (so no
 * entity expansion), values kept verbatim (keys may have leading spaces or look like numbers),
 * and a nesting-depth limit.
 */
export class XmlCodec {
  private readonly builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });
  private readonly parser = new XMLParser({
    processEntities: true,
    // Needed for character references (`&#x1;`); HTML names such as `&nbsp;` are not XML and are
    // refused before parsing (hasUndefinedReference), so only the five XML entities reach here.
    htmlEntities: true,
    trimValues: false,
    parseTagValue: false,
    ignoreDeclaration: true,
    ignoreAttributes: true,
    removeNSPrefix: true,
  });

  /** `{Root: {...}}` -> an XML document with the declaration. `undefined` fields are omitted. */
  render(doc: Record<string, unknown>): string {
    // Characters XML 1.0 cannot carry literally (control characters in keys) are written as
    // character references, as S3 does; the builder passes them through untouched. CR too: a
    // literal one would be read back as LF (XML end-of-line handling).
    // @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html#object-key-xml-related-constraints
    const xml = (this.builder.build(doc) as string).replace(/[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\uFFFE\uFFFF]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml;
  }

  /**
   * Parses a request body. Throws MalformedXML for anything not well-formed, with a DOCTYPE, or nested
   * deeper than `maxDepth`; the root element must be `root` when given.
   */
  parse(text: string, root?: string, maxDepth = 16): Record<string, unknown> {
    if (text.trim() === '') throw new S3Error('MalformedXML');
    if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new S3Error('MalformedXML');
    if (hasUndefinedReference(text)) throw new S3Error('MalformedXML');
    text = decodeControlReferences(text);
    if (nestingDepth(text) > maxDepth) throw new S3Error('MalformedXML');
    if (XMLValidator.validate(text) !== true) throw new S3Error('MalformedXML');
    let doc: Record<string, unknown>;
    try {
      doc = this.parser.parse(text) as Record<string, unknown>;
    } catch {
      throw new S3Error('MalformedXML');
    }
    if (root !== undefined) {
      const body = doc[root];
      if (body === undefined) throw new S3Error('MalformedXML');
      return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    }
    return doc;
  }
}

/**
 * A `&` that does not start one of XML's predefined entities or a character reference: an
 * undeclared entity (there is no DTD) or a bare ampersand, both not well-formed. CDATA sections
 * and comments may contain `&` freely.
 */
function hasUndefinedReference(text: string): boolean {
  if (!text.includes('&')) return false;
  const outside = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, '');
  return /&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/.test(outside);
}

/**
 * The parser silently drops character references to control characters, yet S3 keys may contain
 * them and S3 (like {@link XmlCodec.render}) writes them as `&#x1;`: decode those before parsing
 * so that a DeleteObjects or CompleteMultipartUpload naming such a key names that key. CDATA
 * sections are left as they are.
 */
function decodeControlReferences(text: string): string {
  if (!text.includes('&#')) return text;
  return text.replace(/(<!\[CDATA\[[\s\S]*?\]\]>)|&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});/g, (match: string, cdata: string | undefined, ref: string | undefined) => {
    if (cdata !== undefined || ref === undefined) return match;
    const code = ref[0] === 'x' ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    const dropped = (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
    return dropped ? String.fromCharCode(code) : match;
  });
}

/** Maximum element nesting, counted cheaply without a parser (so a deep document cannot exhaust the stack). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 60 /* < */) continue;
    const next = text[i + 1];
    if (next === '/') depth--;
    else if (next !== '?' && next !== '!') {
      const close = text.indexOf('>', i);
      if (close < 0) break;
      if (text[close - 1] !== '/') depth++;
      if (depth > max) max = depth;
      i = close;
    }
  }
  return max;
}

/** Reads an XML field that may be absent, a string, or (for repeated elements) an array. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an element parsed from XML ('' for an empty element). */
export function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && '#text' in (value as object)) return String((value as Record<string, unknown>)['#text']);
  if (typeof value === 'object') return '';
  return String(value);
}

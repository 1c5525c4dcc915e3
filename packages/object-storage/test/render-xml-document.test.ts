import { expect } from 'chai';
import fc from 'fast-check';
import { renderXmlDocument } from '../src/http/render-xml-document.js';
import { S3_XMLNS, XmlCodec } from '../src/xml/xml-codec.js';

/**
 * The fast response renderer must write exactly what the generic codec (fast-xml-parser's builder
 * plus the control-character pass) writes, for every document it accepts; documents it declines
 * (undefined) are rendered by the codec, so the property checked is "fast ?? codec === codec".
 */
describe('renderXmlDocument', () => {
  const codec = new XmlCodec();
  const same = (doc: Record<string, unknown>) => {
    let expected: string;
    try {
      expected = codec.render(doc);
    } catch {
      // The builder itself fails on some odd shapes: the fast path must decline those too.
      expect(renderXmlDocument(doc)).to.equal(undefined);
      return;
    }
    expect(renderXmlDocument(doc) ?? expected).to.equal(expected);
  };

  // Text an S3 key may hold: XML specials, every control character, CR/LF/TAB, astral and BMP
  // Unicode, U+FFFE/U+FFFF and lone surrogates.
  const specials = fc.constantFrom('&', '<', '>', '"', "'", '&amp;', ']]>', '\t', '\n', '\r', '\u0000', '\u0001', '\u001F', '\u007F', '\u0085', '\uFFFE', '\uFFFF', '\uD800', 'é', '日本', '😀', ' ');
  const text = fc.oneof(
    fc.string({ unit: fc.oneof(fc.constantFrom(...'abc/-_.'), specials.filter((s) => s.length === 1), fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c))) }),
    fc.array(fc.oneof(specials, fc.string()), { maxLength: 6 }).map((a) => a.join('')),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
  );
  const primitive = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(0, -0, 1.5, true, false, 'true', ''));
  const names = fc.constantFrom('Key', 'Size', 'Contents', 'ETag', 'Owner', 'ID', 'xsi:type', 'a_b', 'x.y-z');
  // Names and values the fast path declines, to check it declines rather than differs.
  const oddNames = fc.constantFrom('?xml', '#text', '1st', 'a b', '@_x', '');
  const oddValues = fc.constantFrom<unknown>(new Date(0), [[1, 2]], { '#text': 'x' }, { '#text': 'x', A: 1 }, 10n, { '@_a': { b: 1 } }, ['x', null, 'y']);

  const node = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primitive, fc.constant(undefined), fc.constant(null), tie('element'), fc.array(fc.oneof(primitive, tie('element'), fc.constant(undefined)), { maxLength: 4 })),
    element: fc
      .tuple(
        fc.dictionary(names, tie('value'), { maxKeys: 5 }),
        fc.dictionary(names.map((n) => `@_${n}`), fc.oneof(primitive, fc.constant(undefined), fc.constant(null)), { maxKeys: 2 }),
      )
      .map(([children, attrs]) => ({ ...attrs, ...children })),
  }));

  it('writes what the codec writes on random documents', () => {
    fc.assert(
      fc.property(names, node.element, (root, body) => {
        const doc = { [root]: body };
        expect(renderXmlDocument(doc), 'declined a plain document').to.be.a('string');
        same(doc);
      }),
      { numRuns: 3000 },
    );
  });

  it('declines (never differs on) shapes outside its scope', () => {
    fc.assert(
      fc.property(names, node.element, fc.oneof(oddNames, names), oddValues, (root, body, name, odd) => {
        same({ [root]: { ...body, [name]: odd } });
        same({ [name]: odd });
      }),
      { numRuns: 1000 },
    );
    expect(renderXmlDocument({ A: { '#text': 'x' } })).to.equal(undefined);
    expect(renderXmlDocument({ A: new Date(0) })).to.equal(undefined);
  });

  it('renders a 1000-key ListBucketResult and ListVersionsResult exactly as the codec does', () => {
    const keys = fc.sample(text.filter((k) => k.length > 0), { numRuns: 1000, seed: 42 });
    const owner = { ID: 'owner-id', DisplayName: 'keyless' };
    const contents = keys.map((k, i) => ({
      Key: k,
      LastModified: new Date(1_700_000_000_000 + i).toISOString(),
      ETag: `"${i.toString(16).padStart(32, '0')}"`,
      ...(i % 3 === 0 ? { ChecksumAlgorithm: ['CRC32', 'SHA256'] } : {}),
      Size: i * 17,
      Owner: i % 2 ? owner : undefined,
      StorageClass: 'STANDARD',
    }));
    const list = { ListBucketResult: { '@_xmlns': S3_XMLNS, Name: 'b', Prefix: '&<>', Delimiter: undefined, KeyCount: 1000, MaxKeys: 1000, IsTruncated: false, Contents: contents, CommonPrefixes: keys.slice(0, 5).map((p) => ({ Prefix: p })) } };
    const versions = {
      ListVersionsResult: {
        '@_xmlns': S3_XMLNS, Name: 'b', Prefix: '', KeyMarker: keys[0], MaxKeys: 1000, IsTruncated: true,
        Version: contents.map((c, i) => ({ ...c, VersionId: i % 2 ? 'null' : `v${i}`, IsLatest: i % 4 === 0 })),
        DeleteMarker: keys.slice(0, 10).map((k) => ({ Key: k, VersionId: 'x', IsLatest: false, LastModified: '2024-01-01T00:00:00.000Z', Owner: owner })),
      },
    };
    for (const doc of [list, versions]) {
      const fast = renderXmlDocument(doc);
      expect(fast).to.be.a('string');
      expect(fast).to.equal(codec.render(doc));
    }
  });

  it('escapes the XML specials and control characters', () => {
    expect(renderXmlDocument({ R: { '@_a': `"'<&`, K: 'a&b<c>d"e\'f\u0001g\rh\ti\nj\uFFFF' } })).to.equal(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R a="&quot;&apos;&lt;&amp;"><K>a&amp;b&lt;c&gt;d&quot;e&apos;f&#x1;g&#xD;h\ti\nj&#xFFFF;</K></R>',
    );
  });
});

import { expect } from 'chai';
import { isS3Error } from '@keyless/core';
import { XmlCodec } from '../src/xml/xml-codec.js';
import { parseLifecycleConfiguration, renderLifecycleConfiguration } from '../src/lifecycle/lifecycle-configuration.js';
import { currentExpiry, dueAfterDays, expirationHeader, matchesFilter } from '../src/lifecycle/lifecycle-rules.js';

const xml = new XmlCodec();

function parse(rules: string) {
  return parseLifecycleConfiguration(xml.parse(`<LifecycleConfiguration>${rules}</LifecycleConfiguration>`, 'LifecycleConfiguration'));
}

function codeOf(rules: string): string {
  try {
    parse(rules);
  } catch (err) {
    if (isS3Error(err)) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('lifecycle rules', () => {
  describe('dueAfterDays', () => {
    it('adds the days and rounds up to the next midnight UTC (the S3 documentation example)', () => {
      expect(dueAfterDays(new Date('2014-01-15T10:30:00Z'), 3).toISOString()).to.equal('2014-01-19T00:00:00.000Z');
    });
    it('keeps a result that is exactly midnight', () => {
      expect(dueAfterDays(new Date('2014-01-15T00:00:00Z'), 1).toISOString()).to.equal('2014-01-16T00:00:00.000Z');
    });
    it('with a debug day length, counts days of that length without rounding (RGW rgw_lc_debug_interval)', () => {
      expect(dueAfterDays(new Date('2014-01-15T10:30:00.250Z'), 3, 10_000).toISOString()).to.equal('2014-01-15T10:30:30.250Z');
    });
  });

  describe('parseLifecycleConfiguration', () => {
    it('reads every filter form and action, and renders them back', () => {
      const config = parse(`
        <Rule><ID>legacy</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>
        <Rule><ID>tag</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>
        <Rule><ID>and</ID><Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>
          <NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
        <Rule><ID>mpu</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>
          <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>`);
      expect(config.rules.map((r) => r.id)).to.deep.equal(['legacy', 'tag', 'and', 'mpu']);
      expect(config.rules[0]).to.deep.include({ status: 'Enabled', filter: { legacyPrefix: 'logs/' } });
      expect(config.rules[1]!.expiration!.date).to.equal('2030-01-01T00:00:00.000Z');
      expect(config.rules[2]!.filter.and).to.deep.equal({ prefix: 'p/', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], sizeGreaterThan: 10, sizeLessThan: undefined });
      expect(config.rules[2]!.noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 3, newerNoncurrentVersions: 2 });
      expect(config.rules[3]!.abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 1 });
      expect(config.rules[3]!.expiration!.expiredObjectDeleteMarker).to.equal(true);
      const again = parseLifecycleConfiguration(xml.parse(xml.render(renderLifecycleConfiguration(config)), 'LifecycleConfiguration'));
      expect(JSON.stringify(again)).to.equal(JSON.stringify(config));
    });

    it('generates an ID when none is given', () => {
      const id = parse('<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>').rules[0]!.id;
      expect(id).to.match(/^[A-Za-z0-9_-]{32}$/);
    });

    const ok = '<Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>';
    for (const [name, rules, code] of [
      ['no rule', '', 'MalformedXML'],
      ['duplicate IDs', `<Rule><ID>a</ID>${ok}</Rule><Rule><ID>a</ID>${ok}</Rule>`, 'InvalidArgument'],
      ['an ID over 255 bytes', `<Rule><ID>${'x'.repeat(256)}</ID>${ok}</Rule>`, 'InvalidArgument'],
      ['Days 0', '<Rule><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule>', 'InvalidArgument'],
      ['a Date not at midnight', '<Rule><Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration></Rule>', 'InvalidArgument'],
      ['Days and Date together', '<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>', 'MalformedXML'],
      ['a bad Status', '<Rule><Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule>', 'MalformedXML'],
      ['neither Filter nor Prefix', '<Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>', 'MalformedXML'],
      ['a Filter with two forms', '<Rule><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>', 'MalformedXML'],
      ['no action', '<Rule><Filter/><Status>Enabled</Status></Rule>', 'InvalidRequest'],
      ['a tag filter with AbortIncompleteMultipartUpload', '<Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>', 'InvalidRequest'],
      ['a Transition', '<Rule><Filter/><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>', 'NotImplemented'],
    ] as const) {
      it(`refuses ${name} (${code})`, () => {
        expect(codeOf(rules)).to.equal(code);
      });
    }

    it('refuses more than 1000 rules', () => {
      const rule = (i: number) => `<Rule><ID>r${i}</ID>${ok}</Rule>`;
      expect(codeOf(Array.from({ length: 1000 }, (_, i) => rule(i)).join(''))).to.equal('accepted');
      expect(codeOf(Array.from({ length: 1001 }, (_, i) => rule(i)).join(''))).to.equal('MalformedXML');
    });
  });

  describe('matchesFilter and currentExpiry', () => {
    const config = parse(`
      <Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>
      <Rule><ID>tmp</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>tmp</Key><Value>yes</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>
      <Rule><ID>big</ID><Filter><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></Filter><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule>
      <Rule><ID>off</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>`);
    const t0 = new Date('2030-03-10T08:00:00Z');

    it('matches by prefix, every tag and strict size bounds', () => {
      const [logs, tmp, big] = config.rules;
      expect(matchesFilter(logs!.filter, { key: 'logs/a' })).to.equal(true);
      expect(matchesFilter(logs!.filter, { key: 'data/a' })).to.equal(false);
      expect(matchesFilter(tmp!.filter, { key: 'logs/a', tags: [{ key: 'tmp', value: 'yes' }] })).to.equal(true);
      expect(matchesFilter(tmp!.filter, { key: 'logs/a', tags: [{ key: 'tmp', value: 'no' }] })).to.equal(false);
      expect(matchesFilter(big!.filter, { key: 'x', size: 101 })).to.equal(true);
      expect(matchesFilter(big!.filter, { key: 'x', size: 100 })).to.equal(false);
      expect(matchesFilter(big!.filter, { key: 'x' })).to.equal(false);
    });

    it('takes the earliest enabled rule and reports it in x-amz-expiration', () => {
      const s = { key: 'logs/a', size: 1, tags: [{ key: 'tmp', value: 'yes' }], lastModified: t0 };
      expect(currentExpiry(config.rules, s)).to.deep.equal({ at: new Date('2030-03-12T00:00:00Z'), ruleId: 'tmp' });
      expect(expirationHeader(config.rules, s)).to.equal('expiry-date="Tue, 12 Mar 2030 00:00:00 GMT", rule-id="tmp"');
      expect(currentExpiry(config.rules, { key: 'other', size: 1, lastModified: t0 })).to.equal(undefined);
    });
  });
});

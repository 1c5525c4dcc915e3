import { expect } from 'chai';
import { redactSecurityToken } from '../src/redact-security-token.js';

describe('redactSecurityToken', function () {
  it('redacts the x-amz-security-token header line of a canonical request, whatever the case', () => {
    const canonical = 'GET\n/b/k\n\nhost:h\nx-amz-date:20240101T000000Z\nX-Amz-Security-Token:tok/en+==\n\nhost;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD';
    const out = redactSecurityToken(canonical);
    expect(out).to.not.include('tok/en+==');
    expect(out).to.include('X-Amz-Security-Token:REDACTED\n');
    expect(out).to.include('host;x-amz-date;x-amz-security-token\n');
  });

  it('redacts the X-Amz-Security-Token query parameter (first, middle or last) and keeps the others', () => {
    for (const q of ['X-Amz-Security-Token=abc%2Fdef&X-Amz-SignedHeaders=host', 'X-Amz-Date=1&X-Amz-Security-Token=abc%2Fdef&X-Amz-SignedHeaders=host', 'X-Amz-Date=1&X-Amz-Security-Token=abc%2Fdef']) {
      const out = redactSecurityToken(`GET\n/b/k\n${q}\nhost:h\n`);
      expect(out, q).to.not.include('abc%2Fdef');
      expect(out, q).to.include('X-Amz-Security-Token=REDACTED');
      expect(out, q).to.match(/X-Amz-SignedHeaders=host|X-Amz-Date=1/);
    }
  });

  it('leaves a text without a token unchanged', () => {
    const text = 'PUT\n/b/k\n\nhost:h\nx-amz-meta-note:security token here\n';
    expect(redactSecurityToken(text)).to.equal(text);
  });
});

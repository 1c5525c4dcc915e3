/** Address parsing for IpAddress / NotIpAddress (RFC 4291 text forms, RFC 4632 CIDR). */
import { expect } from 'chai';
import { cidrContains, parseCidr, parseIp } from '../src/ip-cidr.js';

describe('ip-cidr', () => {
  const contains = (cidr: string, ip: string): boolean => cidrContains(parseCidr(cidr)!, parseIp(ip)!);
  const table: [string, string, boolean][] = [
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::1', '::1', true],
    ['::/0', '2001:db8::1', true],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['::ffff:0:0/96', '2001:db8::1', false],
    ['64:ff9b::192.0.2.0/120', '64:ff9b::c000:02ff', true],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['192.0.2.0/31', '192.0.2.1', true],
    ['192.0.2.0/32', '192.0.2.1', false],
  ];
  for (const [cidr, ip, want] of table) it(`${cidr} contains ${ip}: ${want}`, () => expect(contains(cidr, ip)).to.equal(want));

  for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'x', '', ':::']) {
    it(`rejects "${bad}"`, () => expect(parseIp(bad)).to.equal(undefined));
  }
  for (const bad of ['10.0.0.0/', '10.0.0.0/x', '::/129', '10.0.0.0/33']) {
    it(`rejects CIDR "${bad}"`, () => expect(parseCidr(bad)).to.equal(undefined));
  }
});

/**
 * IPv4 / IPv6 addresses and CIDR blocks for the `IpAddress` / `NotIpAddress` operators (RFC 4632
 * notation; a bare address means /32 or /128). IPv4-mapped IPv6 request addresses (`::ffff:1.2.3.4`,
 * what Node reports on dual-stack sockets) are compared as IPv4.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 */

/** A parsed address: family and value as a bigint (32 or 128 bits). */
export interface IpValue { readonly v6: boolean; readonly n: bigint }
/** A parsed CIDR block. */
export interface Cidr { readonly v6: boolean; readonly net: bigint; readonly mask: bigint }

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(s: string): bigint | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return undefined; // no octal-looking octets
    const b = Number(part);
    if (b > 255) return undefined;
    n = (n << 8n) | BigInt(b);
  }
  return n;
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    // "x::a.b.c.d" keeps its "::"; "x:y:a.b.c.d" drops the separator before the IPv4 part.
    const prefix = s.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : s.slice(0, lastColon);
  }
  const dbl = text.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(text.slice(0, dbl));
    const rest = parseGroups(text.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    const all = parseGroups(text);
    if (!all) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses a request address; `undefined` when it is not an IP address. */
export function parseIp(s: string): IpValue | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v6: false, n: v4 };
  if (s.indexOf(':') < 0) return undefined;
  const v6 = parseV6(s.replace(/%.*$/, '')); // drop a zone id (fe80::1%eth0)
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { v6: false, n: v6 ^ MAPPED_PREFIX };
  return { v6: true, n: v6 };
}

/** Parses a policy CIDR block (`203.0.113.0/24`, `2001:DB8::/32`, bare address); `undefined` if invalid. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const v4 = parseV4(addr);
  const v6 = v4 === undefined && addr.indexOf(':') >= 0 ? parseV6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const bits = v4 !== undefined ? 32 : 128;
  let len = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    len = Number(p);
    if (len > bits) return undefined;
  }
  const full = (1n << BigInt(bits)) - 1n;
  const mask = full ^ ((1n << BigInt(bits - len)) - 1n);
  const n = v4 ?? v6!;
  return { v6: v4 === undefined, net: n & mask, mask };
}

/** True when `ip` lies in `cidr` (families must agree). */
export function cidrContains(cidr: Cidr, ip: IpValue): boolean {
  return cidr.v6 === ip.v6 && (ip.n & cidr.mask) === cidr.net;
}

import type * as pkijs from 'pkijs';

/** Short names of the RDN attribute types Keyless reads (the ones IAM Roles Anywhere maps). */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.8': 'ST',
  '2.5.4.7': 'L',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * A certificate subject or issuer, decoded. Single-valued attributes keep the first value;
 * `OU` keeps all of them (organisations often stack units). `text` is an RFC 4514-style rendering
 * (in certificate order) for logs and session records.
 */
export interface DistinguishedName {
  CN?: string;
  O?: string;
  OU: string[];
  C?: string;
  ST?: string;
  L?: string;
  text: string;
}

/** Decodes a pkijs name into a {@link DistinguishedName}. */
export function decodeName(name: pkijs.RelativeDistinguishedNames): DistinguishedName {
  const out: DistinguishedName = { OU: [], text: '' };
  const parts: string[] = [];
  for (const tv of name.typesAndValues) {
    const raw: unknown = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    const value = typeof raw === 'string' ? raw : '';
    const short = ATTRIBUTE_NAMES[tv.type];
    parts.push(`${short ?? tv.type}=${escapeRdnValue(value)}`);
    if (short === 'OU') out.OU.push(value);
    else if (short === 'CN' || short === 'O' || short === 'C' || short === 'ST' || short === 'L') {
      if (out[short] === undefined) out[short] = value;
    }
  }
  out.text = parts.join(',');
  return out;
}

/** RFC 4514 section 2.4 escaping, enough that `text` cannot be confused when split on commas. */
function escapeRdnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

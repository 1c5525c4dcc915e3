import type { PeerCertificate, DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';

/**
 * The certificates a TLS client presented, DER, leaf first. Node exposes them as a linked list
 * (`issuerCertificate`) that ends in a self-reference; we stop at loops and cap the length so a
 * hostile chain cannot make us walk forever (the STS validator enforces its own limits).
 */
export function peerCertificates(socket: TLSSocket | undefined, max = 16): Buffer[] {
  if (!socket || typeof socket.getPeerCertificate !== 'function') return [];
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate | PeerCertificate;
  if (!leaf || !('raw' in leaf) || !leaf.raw) return [];
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = leaf as DetailedPeerCertificate;
  while (cur && cur.raw && out.length < max) {
    const fp = createHash('sha256').update(cur.raw).digest('hex');
    if (seen.has(fp)) break;
    seen.add(fp);
    out.push(cur.raw);
    cur = cur.issuerCertificate;
  }
  return out;
}

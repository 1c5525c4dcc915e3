import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** Smithy's `Checksum` contract (SHA-256, or HMAC-SHA256 with a secret) on Node's crypto. */
export class NodeSha256 {
  private h: Hash | Hmac;

  constructor(private readonly secret?: string | Uint8Array) {
    this.h = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret !== undefined ? createHmac('sha256', this.secret) : createHash('sha256');
  }

  update(data: Uint8Array | string): void {
    this.h.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }

  reset(): void {
    this.h = this.fresh();
  }
}

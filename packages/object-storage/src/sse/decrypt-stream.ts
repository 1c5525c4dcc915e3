import { Transform, type TransformCallback } from 'node:stream';
import { openPackage, TamperedError } from './package-format.js';
import type { PlannedPackage, ReadPlan } from './read-plan.js';

/**
 * Decrypts the stored bytes of a {@link ReadPlan} (they start at a package boundary) and delivers
 * exactly the planned plaintext. Fails with {@link TamperedError} when a package does not
 * authenticate, or the stored bytes end early or run on.
 */
export class DecryptStream extends Transform {
  readonly #dataKey: Buffer;
  readonly #packages: Iterator<PlannedPackage>;
  #current: PlannedPackage | undefined;
  #pending: Buffer = Buffer.alloc(0);
  #skip: number;
  #left: number;

  constructor(dataKey: Buffer, plan: ReadPlan) {
    super();
    this.#dataKey = dataKey;
    this.#packages = plan.packages()[Symbol.iterator]();
    this.#skip = plan.skip;
    this.#left = plan.take;
    this.#current = this.#next();
  }

  #next(): PlannedPackage | undefined {
    const n = this.#packages.next();
    return n.done ? undefined : n.value;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
      while (this.#current && this.#pending.length >= this.#current.size) {
        const plain = openPackage(this.#dataKey, this.#pending.subarray(0, this.#current.size), this.#current.pos);
        this.#pending = this.#pending.subarray(this.#current.size);
        this.#current = this.#next();
        this.#deliver(plain);
      }
      if (!this.#current && this.#pending.length > 0) throw new TamperedError();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.#current || this.#pending.length > 0 || this.#left > 0 ? new TamperedError() : undefined);
  }

  #deliver(plain: Buffer): void {
    let out = plain;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, out.length);
      out = out.subarray(n);
      this.#skip -= n;
    }
    if (out.length > this.#left) out = out.subarray(0, this.#left);
    this.#left -= out.length;
    if (out.length > 0) this.push(out);
  }
}

import type { ObjectStore } from '../object-store.js';
import { bucketContract } from './contract-buckets.js';
import type { ObjectStoreFactory } from './contract-helpers.js';
import { listingContract } from './contract-listing.js';
import { multipartContract } from './contract-multipart.js';
import { objectContract } from './contract-objects.js';
import { versioningContract } from './contract-versioning.js';

/** The store under test in the current test, with a bucket named {@link ContractContext.bucket}. */
export interface ContractContext {
  readonly store: ObjectStore;
  readonly bucket: string;
}

/**
 * The behaviour every {@link ObjectStore} implementation must have, as a mocha suite (use it from
 * a `*.test.ts` file). `factory` is called before each test for a fresh, empty store; its
 * `cleanup` runs after the test. Each test starts with one bucket, `contract-bucket`.
 *
 * @example objectStoreContract('FsObjectStore', async () => { ... return { store, cleanup } });
 */
export function objectStoreContract(name: string, factory: ObjectStoreFactory): void {
  describe(`ObjectStore contract: ${name}`, function () {
    this.timeout(20_000);
    let current: { store: ObjectStore; cleanup(): Promise<void> } | undefined;
    const ctx: ContractContext = {
      get store(): ObjectStore {
        if (!current) throw new Error('no store: the contract suite creates one per test');
        return current.store;
      },
      bucket: 'contract-bucket',
    };

    beforeEach(async () => {
      current = await factory();
      await current.store.createBucket(ctx.bucket, { region: 'us-east-1' });
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (done) {
        await done.store.close();
        await done.cleanup();
      }
    });

    bucketContract(ctx);
    objectContract(ctx);
    listingContract(ctx);
    multipartContract(ctx);
    versioningContract(ctx);
  });
}

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MetadataIndex } from './metadata-index.js';

/** What {@link inspectFsStore} sees in a data directory. */
export interface FsStoreInspection {
  /** `PRAGMA integrity_check` rows: `['ok']` when healthy. */
  integrity: string[];
  /** Blob ids the metadata references (objects, versions, manifests, in-progress parts). */
  referencedBlobIds: Set<string>;
  /** Blob file names present under `blobs/`. */
  blobFiles: string[];
  /** Files left in `tmp/`. */
  tempFiles: string[];
}

/**
 * Reads a data directory's store state without changing it (read-only SQLite connection, no
 * migration, no sweep), so tests and operators can check that every blob file is referenced and
 * nothing is left half-written — also while a server is running.
 */
export function inspectFsStore(dataDir: string): FsStoreInspection {
  const index = MetadataIndex.openReadOnly(join(dataDir, 'meta.db'));
  try {
    const blobsDir = join(dataDir, 'blobs');
    const tmpDir = join(dataDir, 'tmp');
    return {
      integrity: index.integrityCheck(),
      referencedBlobIds: index.referencedBlobIds(),
      blobFiles: existsSync(blobsDir) ? readdirSync(blobsDir).flatMap((d) => readdirSync(join(blobsDir, d))) : [],
      tempFiles: existsSync(tmpDir) ? readdirSync(tmpDir) : [],
    };
  } finally {
    index.close();
  }
}

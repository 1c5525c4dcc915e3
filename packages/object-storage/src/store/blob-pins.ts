/**
 * Blobs in use by open read streams. A blob that stops being referenced while pinned is not
 * unlinked at once but when its last reader lets go, so a stream opened before a delete or an
 * overwrite reads the old bytes to the end (even parts it has not opened yet).
 */
export class BlobPins {
  /** Blob id -> number of open read streams using it. */
  readonly #counts = new Map<string, number>();
  /** Pinned blobs no longer referenced: to unlink when released. */
  readonly #deferred = new Set<string>();

  pin(blobIds: readonly string[]): void {
    for (const id of blobIds) this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
  }

  /** Releases one pin of each blob; returns the blobs now ready to unlink. */
  unpin(blobIds: readonly string[]): string[] {
    const released: string[] = [];
    for (const id of blobIds) {
      const count = (this.#counts.get(id) ?? 1) - 1;
      if (count > 0) {
        this.#counts.set(id, count);
        continue;
      }
      this.#counts.delete(id);
      if (this.#deferred.delete(id)) released.push(id);
    }
    return released;
  }

  /** Of blobs no longer referenced, returns those to unlink now and defers the pinned ones. */
  release(blobIds: readonly string[]): string[] {
    return blobIds.filter((id) => {
      if (!this.#counts.has(id)) return true;
      this.#deferred.add(id);
      return false;
    });
  }
}

import { readFileSync, statSync } from 'node:fs';
import { parseCertificate, pemToDer, type ParsedCertificate } from './parsed-certificate.js';

/** Options for {@link TrustStore.fromFile}. */
export interface TrustStoreFileOptions {
  /** Milliseconds clock, injectable for tests; defaults to `Date.now`. */
  clock?: () => number;
  /** Told when a changed file cannot be loaded; the previous bundle stays in force. */
  onReloadError?: (message: string) => void;
}

interface WatchedFile {
  readonly path: string;
  readonly clock: () => number;
  readonly onReloadError?: (message: string) => void;
}

interface Bundle {
  readonly pem: string;
  readonly anchors: readonly ParsedCertificate[];
}

/**
 * The client CA bundle (`--client-ca`): the only certificates AssumeRoleWithCertificate trusts.
 * System roots are never consulted. Built from a file, it re-reads the file when its mtime or size
 * changes (checked at most once per second), so a CA can be added or rotated without a restart.
 * A file that stops parsing keeps the last good bundle rather than trusting nothing or everything.
 */
export class TrustStore {
  #bundle: Bundle;
  #version = 1;
  readonly #file?: WatchedFile;
  #checkedAt = 0;
  #stamp = '';

  private constructor(bundle: Bundle, file?: WatchedFile) {
    this.#bundle = bundle;
    if (file !== undefined) this.#file = file;
  }

  /** A fixed bundle from PEM text. Throws an Error when it holds no parsable certificate. */
  static fromPem(pem: string): TrustStore {
    return new TrustStore(loadBundle(pem));
  }

  /** A bundle read from `path` now (throws if unreadable or empty) and again whenever it changes. */
  static fromFile(path: string, options: TrustStoreFileOptions = {}): TrustStore {
    const stamp = fileStamp(path);
    const store = new TrustStore(loadBundle(readFileSync(path, 'utf8'), path), {
      path,
      clock: options.clock ?? Date.now,
      ...(options.onReloadError ? { onReloadError: options.onReloadError } : {}),
    });
    store.#stamp = stamp;
    store.#checkedAt = store.#file!.clock();
    return store;
  }

  /** The trusted CA certificates in force now. */
  anchors(): readonly ParsedCertificate[] {
    this.#refresh();
    return this.#bundle.anchors;
  }

  /** The PEM text in force now, for the TLS listener's `ca` option (CA names it advertises). */
  pem(): string {
    this.#refresh();
    return this.#bundle.pem;
  }

  /** Increments each time a changed bundle is loaded, so the listener knows to rebuild its context. */
  version(): number {
    this.#refresh();
    return this.#version;
  }

  #refresh(): void {
    const file = this.#file;
    if (file === undefined) return;
    const now = file.clock();
    if (now - this.#checkedAt < 1000) return;
    this.#checkedAt = now;
    try {
      const stamp = fileStamp(file.path);
      if (stamp === this.#stamp) return;
      this.#bundle = loadBundle(readFileSync(file.path, 'utf8'), file.path);
      this.#stamp = stamp;
      this.#version += 1;
    } catch (err) {
      file.onReloadError?.(err instanceof Error ? err.message : String(err));
    }
  }
}

function fileStamp(path: string): string {
  const st = statSync(path);
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

function loadBundle(pem: string, origin = 'the client CA bundle'): Bundle {
  const ders = pemToDer(pem);
  if (ders.length === 0) throw new Error(`${origin}: no PEM certificate found`);
  const anchors = ders.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch {
      throw new Error(`${origin}: certificate #${i + 1} cannot be parsed`);
    }
  });
  return { pem, anchors };
}

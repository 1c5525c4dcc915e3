import { isS3Error, type BucketInfo, type ObjectInfo, type ObjectStore, type ObjectVersionEntry } from '@keyless/core';
import { LIFECYCLE_CONFIG, type LifecycleConfiguration, type LifecycleRule } from './lifecycle-configuration.js';
import { currentExpiry, dueAfterDays, matchesFilter, rulePrefix } from './lifecycle-rules.js';

/** What the worker needs; `server` builds it. */
export interface LifecycleWorkerOptions {
  store: ObjectStore;
  log: (event: Record<string, unknown>) => void;
  /** Time between runs of the timer started by `start()`. */
  intervalMs: number;
  /** Entries asked of the store per listing call (default 1000). */
  pageSize?: number;
  /** Most actions taken in one bucket per run; the rest waits for the next run (default 10000). */
  maxActionsPerBucket?: number;
  /**
   * For test suites only: the length of a lifecycle "day" in ms, counted without rounding to
   * midnight (see `dueAfterDays`); absent = real days. Set from `KEYLESS_LIFECYCLE_DAY_SECONDS`.
   */
  debugDayMs?: number;
}

/** What one run did. */
export interface LifecycleRunReport {
  /** Buckets with at least one enabled rule. */
  buckets: number;
  /** Current versions expired (deleted, or hidden behind a delete marker in a versioned bucket). */
  expired: number;
  /** Noncurrent versions permanently deleted. */
  noncurrentExpired: number;
  /** Delete markers removed (expired object delete markers and noncurrent markers). */
  deleteMarkersRemoved: number;
  uploadsAborted: number;
  /** Actions or buckets that failed (logged; retried next run). */
  failures: number;
}

/** Thrown by a delete precondition when the object changed since it was listed: skip it quietly. */
class Changed extends Error {}

function commonPrefix(rules: readonly LifecycleRule[]): string {
  const prefixes = rules.map(rulePrefix);
  let p = prefixes[0] ?? '';
  for (const q of prefixes) while (!q.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Applies buckets' lifecycle rules in the background: expires current versions (Expiration Days or
 * Date), permanently deletes noncurrent versions (NoncurrentVersionExpiration with
 * NewerNoncurrentVersions), removes expired object delete markers, and aborts incomplete multipart
 * uploads. Work is listed and done in bounded batches; each action's failure is logged and retried
 * on the next run; nothing escapes the timer. Days count from the object's Last-Modified (for
 * noncurrent versions, from when the next version was written) rounded up to midnight UTC, as S3.
 *
 * `runOnce(now)` is one pass with an injected clock: tests move time forward instead of waiting.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
 */
export class LifecycleWorker {
  readonly #opts: Required<Omit<LifecycleWorkerOptions, 'debugDayMs'>> & Pick<LifecycleWorkerOptions, 'debugDayMs'>;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(opts: LifecycleWorkerOptions) {
    this.#opts = { pageSize: 1000, maxActionsPerBucket: 10_000, ...opts };
  }

  /** Starts the periodic runs (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = setInterval(() => {
      this.runOnce(new Date()).catch((err: unknown) => this.#opts.log({ msg: 'lifecycle run failed', error: String(err) }));
    }, this.#opts.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress, which stops at its next action. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopped = true;
    await this.#queue.catch(() => undefined);
  }

  /** One pass over every bucket with a lifecycle configuration, as if the time were `now`. Runs never overlap. */
  runOnce(now: Date = new Date()): Promise<LifecycleRunReport> {
    const run = this.#queue.catch(() => undefined).then(() => this.#run(now));
    this.#queue = run;
    return run;
  }

  async #run(now: Date): Promise<LifecycleRunReport> {
    const report: LifecycleRunReport = { buckets: 0, expired: 0, noncurrentExpired: 0, deleteMarkersRemoved: 0, uploadsAborted: 0, failures: 0 };
    for (const bucket of await this.#opts.store.listBuckets()) {
      if (this.#stopped) break;
      let rules: LifecycleRule[];
      try {
        const text = await this.#opts.store.getBucketConfig(bucket.name, LIFECYCLE_CONFIG);
        if (text === undefined) continue;
        rules = (JSON.parse(text) as LifecycleConfiguration).rules.filter((r) => r.status === 'Enabled');
      } catch (err) {
        if (!(isS3Error(err) && err.code === 'NoSuchBucket')) this.#fail(report, bucket.name, 'read configuration', err);
        continue;
      }
      if (rules.length === 0) continue;
      report.buckets++;
      const before = { ...report };
      const budget = { left: this.#opts.maxActionsPerBucket };
      try {
        await this.#expireObjects(bucket, rules, now, report, budget);
        await this.#abortUploads(bucket.name, rules, now, report, budget);
      } catch (err) {
        this.#fail(report, bucket.name, 'list', err);
      }
      const did = (['expired', 'noncurrentExpired', 'deleteMarkersRemoved', 'uploadsAborted'] as const).filter((k) => report[k] !== before[k]);
      if (did.length > 0) {
        this.#opts.log({
          msg: 'lifecycle applied', bucket: bucket.name, now: now.toISOString(), moreRemaining: budget.left <= 0,
          ...Object.fromEntries(did.map((k) => [k, report[k] - before[k]])),
        });
      }
    }
    return report;
  }

  #fail(report: LifecycleRunReport, bucket: string, action: string, err: unknown, key?: string): void {
    report.failures++;
    this.#opts.log({ msg: 'lifecycle action failed', bucket, key, action, error: isS3Error(err) ? err.code : String(err) });
  }

  /** Runs one delete; a concurrent change (precondition) or a missing key is not a failure. */
  async #delete(report: LifecycleRunReport, bucket: string, key: string, action: string, del: () => Promise<unknown>): Promise<boolean> {
    try {
      await del();
      return true;
    } catch (err) {
      if (err instanceof Changed || (isS3Error(err) && (err.code === 'NoSuchKey' || err.code === 'NoSuchVersion' || err.code === 'NoSuchUpload'))) return false;
      this.#fail(report, bucket, action, err, key);
      return false;
    }
  }

  async #expireObjects(bucket: BucketInfo, allRules: LifecycleRule[], now: Date, report: LifecycleRunReport, budget: { left: number }): Promise<void> {
    const rules = allRules.filter((r) => r.expiration || r.noncurrentVersionExpiration);
    if (rules.length === 0) return;
    const prefix = commonPrefix(rules);
    const { store, pageSize } = this.#opts;
    if (bucket.versioning === undefined) {
      // Unversioned: only current versions exist; deleting removes them.
      let startAfter: string | undefined;
      for (;;) {
        const page = await store.listObjects(bucket.name, { prefix, startAfter, maxKeys: pageSize });
        for (const obj of page.objects) {
          if (this.#stopped || budget.left <= 0) return;
          await this.#expireCurrent(bucket.name, obj, rules, now, report, budget);
        }
        if (!page.isTruncated || page.objects.length === 0) return;
        startAfter = page.nextMarker ?? page.objects[page.objects.length - 1]!.key;
      }
    }
    // Versioned: entries come by key, newest first. A key's versions are handled once the listing
    // has moved past the key, so the listing's marker (always a later key) is never deleted.
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    let group: ObjectVersionEntry[] = [];
    for (;;) {
      const page = await store.listObjectVersions(bucket.name, { prefix, keyMarker, versionIdMarker, maxKeys: pageSize });
      for (const entry of page.versions) {
        const key = entry.kind === 'version' ? entry.info.key : entry.marker.key;
        const groupKey = group[0] && (group[0].kind === 'version' ? group[0].info.key : group[0].marker.key);
        if (groupKey !== undefined && key !== groupKey) {
          if (this.#stopped || budget.left <= 0) return;
          await this.#expireVersions(bucket.name, group, rules, now, report, budget);
          group = [];
        }
        group.push(entry);
      }
      if (!page.isTruncated || page.versions.length === 0) break;
      keyMarker = page.nextKeyMarker;
      versionIdMarker = page.nextVersionIdMarker;
    }
    if (group.length > 0 && !this.#stopped && budget.left > 0) await this.#expireVersions(bucket.name, group, rules, now, report, budget);
  }

  /** Expiration Days/Date of a current version; in a versioned bucket the delete adds a delete marker. */
  async #expireCurrent(bucket: string, obj: ObjectInfo, rules: LifecycleRule[], now: Date, report: LifecycleRunReport, budget: { left: number }): Promise<boolean> {
    const due = currentExpiry(rules, { key: obj.key, size: obj.size, tags: obj.tags, lastModified: obj.lastModified }, this.#opts.debugDayMs);
    if (!due || due.at > now) return false;
    budget.left--;
    const done = await this.#delete(report, bucket, obj.key, 'expire', () =>
      this.#opts.store.deleteObject(bucket, obj.key, {
        // The object may have been overwritten since it was listed: a new write is not expired.
        precondition: (current) => {
          if (!current || current.etag !== obj.etag || current.lastModified.getTime() !== obj.lastModified.getTime() || current.versionId !== obj.versionId) throw new Changed();
        },
      }),
    );
    if (done) report.expired++;
    return done;
  }

  /** All actions on one key's versions (newest first). */
  async #expireVersions(bucket: string, versions: ObjectVersionEntry[], rules: LifecycleRule[], now: Date, report: LifecycleRunReport, budget: { left: number }): Promise<void> {
    const [latest, ...older] = versions;
    if (!latest) return;
    const key = latest.kind === 'version' ? latest.info.key : latest.marker.key;
    if (latest.kind === 'version') {
      if (await this.#expireCurrent(bucket, latest.info, rules, now, report, budget)) return; // the rest waits for the next run
    }
    let remaining = 1;
    for (let i = 0; i < older.length; i++) {
      const v = older[i]!;
      const successor = versions[i]!;
      const becameNoncurrent = successor.kind === 'version' ? successor.info.lastModified : successor.marker.lastModified;
      const subject = v.kind === 'version' ? { key, size: v.info.size, tags: v.info.tags } : { key };
      const due = rules.some((r) => {
        const n = r.noncurrentVersionExpiration;
        // `i` noncurrent versions are newer than this one; NewerNoncurrentVersions of them are kept.
        return n && matchesFilter(r.filter, subject) && i >= (n.newerNoncurrentVersions ?? 0) && dueAfterDays(becameNoncurrent, n.noncurrentDays, this.#opts.debugDayMs) <= now;
      });
      if (!due || budget.left <= 0 || this.#stopped) {
        remaining++;
        continue;
      }
      budget.left--;
      const versionId = v.kind === 'version' ? v.info.versionId : v.marker.versionId;
      if (await this.#delete(report, bucket, key, 'expire noncurrent', () => this.#opts.store.deleteObject(bucket, key, { versionId }))) {
        if (v.kind === 'version') report.noncurrentExpired++;
        else report.deleteMarkersRemoved++;
      } else {
        remaining++;
      }
    }
    // A delete marker with no version left behind it is an "expired object delete marker".
    if (latest.kind === 'deleteMarker' && remaining === 1 && budget.left > 0) {
      const expire = rules.some((r) => r.expiration?.expiredObjectDeleteMarker === true && matchesFilter(r.filter, { key }));
      if (!expire) return;
      budget.left--;
      if (await this.#delete(report, bucket, key, 'remove expired delete marker', () => this.#opts.store.deleteObject(bucket, key, { versionId: latest.marker.versionId }))) {
        report.deleteMarkersRemoved++;
      }
    }
  }

  async #abortUploads(bucket: string, allRules: LifecycleRule[], now: Date, report: LifecycleRunReport, budget: { left: number }): Promise<void> {
    const rules = allRules.filter((r) => r.abortIncompleteMultipartUpload);
    if (rules.length === 0) return;
    const prefix = commonPrefix(rules);
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.#opts.store.listMultipartUploads(bucket, { prefix, keyMarker, uploadIdMarker, maxUploads: this.#opts.pageSize });
      for (const u of page.uploads) {
        if (this.#stopped || budget.left <= 0) return;
        const due = rules.some((r) => matchesFilter(r.filter, { key: u.key }) && dueAfterDays(u.initiated, r.abortIncompleteMultipartUpload!.daysAfterInitiation, this.#opts.debugDayMs) <= now);
        if (!due) continue;
        budget.left--;
        if (await this.#delete(report, bucket, u.key, 'abort upload', () => this.#opts.store.abortMultipartUpload(bucket, u.key, u.uploadId))) report.uploadsAborted++;
      }
      if (!page.isTruncated || page.uploads.length === 0) return;
      keyMarker = page.nextKeyMarker;
      uploadIdMarker = page.nextUploadIdMarker;
    }
  }
}

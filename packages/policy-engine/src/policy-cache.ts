/**
 * Parsed policies keyed by name, reused while their JSON text is unchanged, so a request never
 * re-parses a policy. Owned by whoever builds `deps` (no module-level cache).
 */
import { parsePolicy } from './parse-policy.js';
import type { ParseOptions, Policy } from './parse-policy.js';

/** A cache of parsed policies, invalidated by a change of text. */
export class PolicyCache {
  private readonly entries = new Map<string, { json: string; kind: string; policy: Policy }>();

  /**
   * The parsed policy `name` for `json`: the cached one when the text (and kind) is unchanged,
   * otherwise parsed now (throws {@link PolicyError}; an invalid text is not cached).
   */
  get(name: string, json: string, opts: ParseOptions = {}): Policy {
    const kind = opts.kind ?? 'identity';
    const hit = this.entries.get(name);
    if (hit && hit.json === json && hit.kind === kind) return hit.policy;
    const policy = parsePolicy(json, opts);
    this.entries.set(name, { json, kind, policy });
    return policy;
  }

  /** Forgets one policy (e.g. after DeleteBucketPolicy or a policy removal). */
  delete(name: string): void {
    this.entries.delete(name);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  /** Number of cached policies. */
  get size(): number {
    return this.entries.size;
  }
}

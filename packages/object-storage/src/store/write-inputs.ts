import type { ChecksumMap, ObjectExtras } from '@keyless/core';

/** A fresh copy of the extras to store (undefined and empty fields dropped). */
export function extrasOf(input: ObjectExtras): ObjectExtras & { attributes: Record<string, string> } {
  const extras: ObjectExtras & { attributes: Record<string, string> } = { attributes: { ...(input.attributes ?? {}) } };
  if (input.tags && input.tags.length > 0) extras.tags = input.tags.map((t) => ({ key: t.key, value: t.value }));
  if (input.retention) extras.retention = { mode: input.retention.mode, retainUntil: new Date(input.retention.retainUntil) };
  if (input.legalHold) extras.legalHold = true;
  return extras;
}

/** The checksums a write's `finalize` callback reports once its body is read (a copy; none without one). */
export function finalizeChecksums(finalize: (() => { checksums?: ChecksumMap }) | undefined): ChecksumMap {
  return { ...(finalize?.().checksums ?? {}) };
}

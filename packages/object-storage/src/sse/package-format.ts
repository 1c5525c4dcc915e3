import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Keyless's encrypted-at-rest format (AWS does not publish S3's): a DARE-like sequence of
 * independent "packages". The plaintext of one stream (a single-PUT object, or one multipart part)
 * is cut into chunks of {@link PACKAGE_PLAINTEXT} bytes; each chunk is sealed with AES-256-GCM under
 * the object's data key and stored as `nonce (12) | ciphertext | tag (16)`.
 *
 * - The nonce is random per package (not derived from the chunk index) because a multipart part
 *   can be uploaded again under the same part number with other bytes: derived nonces would then
 *   repeat under one key, which breaks GCM. 96 random bits per package stay far below the
 *   collision bound for the at most ~2^27 packages of a 5 TiB object.
 * - The AAD binds each package to its place: format version, part number (0 for a single PUT),
 *   index in its stream and a final-package flag, so packages cannot be reordered, moved between
 *   parts, or cut off (the last remaining package was sealed as non-final).
 * - An empty stream is ONE empty final package (28 bytes), so a stream truncated to nothing is
 *   detected too. Hence ciphertext size = n + 28 * max(1, ceil(n / 65536)), which is invertible:
 *   the plaintext size is derived from the stored size and needs no extra metadata.
 */
export const PACKAGE_PLAINTEXT = 64 * 1024;
/** Bytes a package adds: nonce and GCM tag. */
export const PACKAGE_OVERHEAD = 12 + 16;
/** A full package on disk. */
export const PACKAGE_SIZE = PACKAGE_PLAINTEXT + PACKAGE_OVERHEAD;
const FORMAT_VERSION = 1;

/** Where a package sits: its part (0 for a single PUT), index within that part, and whether it is the last. */
export interface PackagePosition {
  partNumber: number;
  index: number;
  final: boolean;
}

/** Number of packages a stream of `plainSize` bytes becomes (at least one). */
export function packageCount(plainSize: number): number {
  return Math.max(1, Math.ceil(plainSize / PACKAGE_PLAINTEXT));
}

/** The stored size of a stream of `plainSize` plaintext bytes. */
export function encryptedSize(plainSize: number): number {
  return plainSize + PACKAGE_OVERHEAD * packageCount(plainSize);
}

/** The plaintext size of a stored stream of `cipherSize` bytes; throws when no plaintext size maps to it. */
export function plaintextSize(cipherSize: number): number {
  const count = Math.max(1, Math.ceil(cipherSize / PACKAGE_SIZE));
  const plain = cipherSize - PACKAGE_OVERHEAD * count;
  if (plain < 0 || encryptedSize(plain) !== cipherSize) throw new Error('invalid encrypted stream size');
  return plain;
}

function aad(pos: PackagePosition): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(FORMAT_VERSION, 0);
  b.writeUInt8(pos.final ? 1 : 0, 1);
  b.writeUInt32BE(pos.partNumber, 2);
  b.writeUInt32BE(pos.index, 6);
  return b;
}

/** Seals one chunk (at most {@link PACKAGE_PLAINTEXT} bytes) into a package. */
export function sealPackage(dataKey: Buffer, plain: Buffer, pos: PackagePosition): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(aad(pos));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Opens one package; throws {@link TamperedError} when it was changed, moved, cut, or the key is wrong. */
export function openPackage(dataKey: Buffer, pkg: Buffer, pos: PackagePosition): Buffer {
  if (pkg.length < PACKAGE_OVERHEAD) throw new TamperedError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, pkg.subarray(0, 12));
    decipher.setAAD(aad(pos));
    decipher.setAuthTag(pkg.subarray(pkg.length - 16));
    return Buffer.concat([decipher.update(pkg.subarray(12, pkg.length - 16)), decipher.final()]);
  } catch {
    throw new TamperedError();
  }
}

/** Stored encrypted bytes failed authentication (changed on disk, truncated, or the wrong key). */
export class TamperedError extends Error {
  constructor() {
    super('encrypted object data failed authentication');
    this.name = 'TamperedError';
  }
}

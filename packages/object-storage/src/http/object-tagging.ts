import { S3Error, type ObjectTag } from '@keyless/core';
import { asArray, asText } from '../xml/xml-codec.js';

/** S3's object tag limits. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html */
export const MAX_OBJECT_TAGS = 10;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** Letters, numbers, spaces and `_ . : / = + - @` (the characters AWS tags allow). */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks a tag set as S3 does: at most 10 tags (BadRequest), keys 1..128 and values up to 256
 * characters from the allowed set, unique keys, no `aws:` prefix (InvalidTag).
 */
export function validateTags(tags: readonly ObjectTag[]): ObjectTag[] {
  if (tags.length > MAX_OBJECT_TAGS) throw new S3Error('BadRequest', 'Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if ([...key].length > MAX_TAG_KEY) throw new S3Error('InvalidTag', 'The TagKey you have provided is too long, max 128');
    if ([...value].length > MAX_TAG_VALUE) throw new S3Error('InvalidTag', 'The TagValue you have provided is too long, max 256');
    if (key === '' || !TAG_CHARS.test(key)) throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid');
    if (!TAG_CHARS.test(value)) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:')) throw new S3Error('InvalidTag', 'Your TagKey cannot be prefixed with aws:');
    if (seen.has(key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return [...tags];
}

/** The `x-amz-tagging` header: URL query form `k1=v1&k2=v2`, validated. */
export function tagsFromHeader(value: string | undefined): ObjectTag[] | undefined {
  if (value === undefined) return undefined;
  const tags: ObjectTag[] = [];
  for (const [key, v] of new URLSearchParams(value)) tags.push({ key, value: v });
  return validateTags(tags);
}

/** The `Tagging/TagSet/Tag` document of PutObjectTagging, validated. */
export function tagsFromXml(doc: Record<string, unknown>): ObjectTag[] {
  const set = doc.TagSet;
  if (set === undefined) throw new S3Error('MalformedXML');
  const raw = set === '' ? [] : asArray((set as Record<string, unknown>).Tag as Record<string, unknown> | Record<string, unknown>[] | undefined);
  const tags = raw.map((t) => {
    const key = asText(t.Key);
    const value = asText(t.Value) ?? '';
    if (key === undefined) throw new S3Error('MalformedXML');
    return { key, value };
  });
  return validateTags(tags);
}

/** The TagSet element of GetObjectTagging. */
export function tagSetXml(tags: readonly ObjectTag[] | undefined): { Tag: { Key: string; Value: string }[] } {
  return { Tag: (tags ?? []).map((t) => ({ Key: t.key, Value: t.value })) };
}

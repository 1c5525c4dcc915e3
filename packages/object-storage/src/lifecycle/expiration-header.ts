import type { ObjectInfo, ObjectStore } from '@keyless/core';
import { LIFECYCLE_CONFIG, type LifecycleConfiguration } from './lifecycle-configuration.js';
import { expirationHeader } from './lifecycle-rules.js';

/**
 * The `x-amz-expiration` header for a current object version: when and by which rule the bucket's
 * lifecycle configuration will expire it (undefined when no expiration rule applies). Always in
 * real days: test suites compare whole-day dates here.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_ResponseSyntax
 */
export async function lifecycleExpirationHeader(store: ObjectStore, info: ObjectInfo): Promise<string | undefined> {
  if (info.isLatest === false) return undefined;
  const text = await store.getBucketConfig(info.bucket, LIFECYCLE_CONFIG).catch(() => undefined);
  if (text === undefined) return undefined;
  const config = JSON.parse(text) as LifecycleConfiguration;
  return expirationHeader(config.rules, { key: info.key, size: info.size, tags: info.tags, lastModified: info.lastModified });
}

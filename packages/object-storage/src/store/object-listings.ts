import { S3Error } from '@keyless/core';
import type { ListObjectsOptions, ListObjectsResult, ListVersionsOptions, ListVersionsResult } from '@keyless/core';
import type { MetadataIndex } from './metadata-index.js';
import { checkVersionId } from './version-id.js';

/** `FsObjectStore.listObjectVersions`: a page of versions and delete markers, S3's markers resolved. */
export function listObjectVersions(index: MetadataIndex, bucket: string, opts: ListVersionsOptions): ListVersionsResult {
  index.buckets.require(bucket);
  let markerSeq: number | undefined;
  if (opts.versionIdMarker !== undefined && opts.keyMarker !== undefined) {
    checkVersionId(opts.versionIdMarker);
    const at = index.versions.byId(bucket, opts.keyMarker, opts.versionIdMarker);
    if (!at) throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'version-id-marker', ArgumentValue: opts.versionIdMarker });
    markerSeq = at.seq;
  }
  const page = index.versions.listVersions(bucket, {
    prefix: opts.prefix ?? '',
    delimiter: opts.delimiter,
    marker: opts.keyMarker,
    markerTiebreak: markerSeq,
    max: opts.maxKeys,
  });
  const result: ListVersionsResult = {
    versions: page.rows.map((v) =>
      v.deleteMarker
        ? { kind: 'deleteMarker', marker: { bucket, key: v.info.key, versionId: v.info.versionId!, isLatest: v.info.isLatest === true, lastModified: v.info.lastModified } }
        : { kind: 'version', info: v.info },
    ),
    commonPrefixes: page.prefixes,
    isTruncated: page.truncated,
  };
  if (page.truncated && page.last) {
    result.nextKeyMarker = page.last.key;
    if (page.last.row) result.nextVersionIdMarker = page.last.row.info.versionId;
  }
  return result;
}

/** `FsObjectStore.listObjects`: a page of current objects and common prefixes. */
export function listObjects(index: MetadataIndex, bucket: string, opts: ListObjectsOptions): ListObjectsResult {
  index.buckets.require(bucket);
  const page = index.versions.listObjects(bucket, {
    prefix: opts.prefix ?? '',
    delimiter: opts.delimiter,
    marker: opts.startAfter,
    max: opts.maxKeys,
  });
  const result: ListObjectsResult = {
    objects: page.rows.map((row) => row.info),
    commonPrefixes: page.prefixes,
    isTruncated: page.truncated,
  };
  if (page.truncated && page.last) result.nextMarker = page.last.key;
  return result;
}

import { S3Error } from '@keyless/core';

/**
 * How the body is sent, from `x-amz-content-sha256`.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
export type PayloadMode =
  | { kind: 'sha256'; hash: string }
  | { kind: 'unsigned' }
  | { kind: 'streaming-signed'; trailer: boolean }
  | { kind: 'streaming-unsigned-trailer' };

/** The `x-amz-content-sha256` values with a special meaning. */
export const PAYLOAD = {
  UNSIGNED: 'UNSIGNED-PAYLOAD',
  STREAMING: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  STREAMING_TRAILER: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  STREAMING_UNSIGNED_TRAILER: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
} as const;

/** Reads an `x-amz-content-sha256` value; unknown values are `InvalidArgument`, SigV4A streaming `NotImplemented`. */
export function checkPayloadHashHeader(value: string): PayloadMode {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { kind: 'sha256', hash: value.toLowerCase() };
  switch (value) {
    case PAYLOAD.UNSIGNED:
      return { kind: 'unsigned' };
    case PAYLOAD.STREAMING:
      return { kind: 'streaming-signed', trailer: false };
    case PAYLOAD.STREAMING_TRAILER:
      return { kind: 'streaming-signed', trailer: true };
    case PAYLOAD.STREAMING_UNSIGNED_TRAILER:
      return { kind: 'streaming-unsigned-trailer' };
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD':
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER':
      throw new S3Error('NotImplemented', 'Signature Version 4A streaming payloads are not supported.');
    default:
      throw new S3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', {
        ArgumentName: 'x-amz-content-sha256',
        ArgumentValue: value,
      });
  }
}

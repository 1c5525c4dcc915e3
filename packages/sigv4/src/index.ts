/**
 * @keyless/sigv4 — pure AWS Signature Version 4 verification: Authorization header and presigned
 * query, aws-chunked bodies (signed, signed + trailer, unsigned + trailer) and S3 checksums.
 */
export { verifyRequest, type SignedRequest, type VerifyOptions, type VerifiedAuth } from './verify-request.js';
export { verifySigV2, sigV2StringToSign } from './verify-sigv2.js';
export { decodePayload, type DecodePayloadOptions, type DecodedPayload } from './decode-payload.js';
export { signingKey, SigningKeyCache } from './signing-key.js';
export {
  createChecksum,
  checksumHeaderName,
  checksumAlgorithmOfHeader,
  isValidChecksumValue,
  CHECKSUM_ALGORITHMS,
  CHECKSUM_LENGTH,
  type Checksum,
} from './checksum/create-checksum.js';
export { Crc32 } from './checksum/crc32.js';
export { Crc64Nvme } from './checksum/crc64-nvme.js';
export {
  ALGORITHM,
  EMPTY_SHA256,
  sha256Hex,
  canonicalUri,
  canonicalQuery,
  canonicalHeaders,
  canonicalRequest,
  groupRawHeaders,
  parseQuery,
  stringToSign,
  type CanonicalRequestInput,
  type QueryParam,
} from './canonical-request.js';
export { parseAuthorizationHeader, parsePresignedQuery, parseCredential, type Credential, type ParsedAuthorization, type ParsedPresigned } from './parse-authorization.js';
export { parseAmzDate, formatAmzDate, parseHttpDate } from './amz-date.js';
export { uriEncode, percentDecode } from './uri-encode.js';
export { checkPayloadHashHeader, PAYLOAD, type PayloadMode } from './payload-mode.js';
export { AwsChunkedDecoder, type AwsChunkedDecoderOptions, type ChunkSigning } from './aws-chunked-decoder.js';
export { PayloadVerifier, type PayloadVerifierOptions } from './payload-verifier.js';

/**
 * The STS error table. STS errors have their own XML shape
 * (`ErrorResponse/Error{Type,Code,Message}/RequestId`), so they are a separate table.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
export const STS_ERRORS = {
  AccessDenied: { status: 403, type: 'Sender', message: 'Access denied.' },
  ExpiredToken: { status: 400, type: 'Sender', message: 'The security token included in the request is expired.' },
  IncompleteSignature: { status: 400, type: 'Sender', message: 'The request signature does not conform to AWS standards.' },
  InternalFailure: { status: 500, type: 'Receiver', message: 'The request processing has failed because of an unknown error.' },
  InvalidAction: { status: 400, type: 'Sender', message: 'The action or operation requested is invalid. Verify that the action is typed correctly.' },
  InvalidClientTokenId: { status: 403, type: 'Sender', message: 'The security token included in the request is invalid.' },
  InvalidParameterValue: { status: 400, type: 'Sender', message: 'An invalid or out-of-range value was supplied for the input parameter.' },
  InvalidParameterCombination: { status: 400, type: 'Sender', message: 'Parameters that must not be used together were used together.' },
  MalformedPolicyDocument: { status: 400, type: 'Sender', message: 'The request was rejected because the policy document was malformed.' },
  MissingAction: { status: 400, type: 'Sender', message: 'The request is missing an action or a required parameter.' },
  MissingAuthenticationToken: { status: 403, type: 'Sender', message: 'The request must contain a valid (registered) AWS access key ID or X.509 certificate.' },
  MissingParameter: { status: 400, type: 'Sender', message: 'A required parameter for the specified action is not supplied.' },
  PackedPolicyTooLarge: { status: 400, type: 'Sender', message: 'The request was rejected because the total packed size of the session policies and session tags combined was too large.' },
  RequestExpired: { status: 400, type: 'Sender', message: 'The request reached the service more than 15 minutes after the date stamp on the request.' },
  SignatureDoesNotMatch: { status: 403, type: 'Sender', message: 'The request signature we calculated does not match the signature you provided.' },
  ServiceUnavailable: { status: 503, type: 'Receiver', message: 'The request has failed due to a temporary failure of the server.' },
  InvalidCertificate: { status: 400, type: 'Sender', message: 'The provided client certificate is invalid.' },
  NotImplemented: { status: 501, type: 'Receiver', message: 'The requested action is not implemented.' },
} as const satisfies Record<string, { status: number; type: 'Sender' | 'Receiver'; message: string }>;

/** A code from {@link STS_ERRORS}. */
export type StsErrorCode = keyof typeof STS_ERRORS;

/** The error type STS actions throw; rendered once as the STS XML error document. */
export class StsError extends Error {
  readonly code: StsErrorCode;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';

  constructor(code: StsErrorCode, message?: string) {
    super(message ?? STS_ERRORS[code].message);
    this.name = 'StsError';
    this.code = code;
    this.status = STS_ERRORS[code].status;
    this.type = STS_ERRORS[code].type;
  }
}

/** True when `err` is an {@link StsError}. */
export function isStsError(err: unknown): err is StsError {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'StsError';
}

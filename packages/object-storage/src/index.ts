export { S3Api, type S3ApiDeps } from './s3-api.js';
export type { S3HttpRequest, S3HttpResponse } from './http/s3-http.js';
export { OPERATIONS, type OperationSpec, type OperationName, type ImplementedOperation } from './operations.js';
export { resolveOperation, type ResolvedOperation } from './resolve-operation.js';
export { authenticate, rootPrincipal, userPrincipal, sessionPrincipal, type AuthenticatorDeps, type Authenticated } from './auth/authenticate.js';
export { Authorizer, type AuthzRequest, type AuthzLog } from './auth/authorizer.js';
export { isValidBucketName, validateBucketName } from './validation/bucket-name.js';
export { FsObjectStore } from './store/index.js';
export type { Owner } from './handlers/index.js';

export { objectStoreContract, type ContractContext } from './object-store-contract.js';
export type { ObjectStoreFactory } from './contract-helpers.js';
export { credentialStoreContract, type CredentialStoreFixture } from './credential-store-contract.js';
export { NodeSha256 } from './node-sha256.js';

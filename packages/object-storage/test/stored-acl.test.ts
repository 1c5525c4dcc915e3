import { expect } from 'chai';
import { decodeAcl, encodeAcl, storedGroupGrants } from '../src/auth/stored-acl.js';
import { parseGrantHeader } from '../src/http/acl-grant-headers.js';
import { ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI, type AclGrant } from '../src/http/acl-grants.js';

/** The stored form of ACLs (grant lists as JSON) and the migration of canned names stored before. */
describe('stored ACLs', () => {
  const OWNER = 'a'.repeat(64);
  const owner = (permission: AclGrant['permission']): AclGrant => ({ grantee: { type: 'CanonicalUser', id: OWNER }, permission });
  const group = (uri: string, permission: AclGrant['permission']): AclGrant => ({ grantee: { type: 'Group', uri }, permission });

  it('stores nothing for the default ACL and round-trips any other grant list, order kept', () => {
    expect(encodeAcl([owner('FULL_CONTROL')], OWNER)).to.equal(undefined);
    const lists: AclGrant[][] = [[], [owner('READ')], [group(ALL_USERS_URI, 'READ'), owner('FULL_CONTROL'), group(LOG_DELIVERY_URI, 'WRITE'), owner('WRITE_ACP')]];
    for (const grants of lists) {
      const text = encodeAcl(grants, OWNER);
      expect(text).to.be.a('string');
      expect(decodeAcl(text, 'bucket', OWNER)).to.deep.equal(grants);
    }
    expect(decodeAcl(undefined, 'object', OWNER)).to.deep.equal([owner('FULL_CONTROL')]);
  });

  it('reads canned names stored by earlier versions as their grant lists', () => {
    expect(decodeAcl('public-read', 'object', OWNER)).to.deep.equal([group(ALL_USERS_URI, 'READ'), owner('FULL_CONTROL')]);
    expect(decodeAcl('public-read-write', 'bucket', OWNER)).to.deep.equal([group(ALL_USERS_URI, 'READ'), group(ALL_USERS_URI, 'WRITE'), owner('FULL_CONTROL')]);
    expect(decodeAcl('authenticated-read', 'bucket', OWNER)).to.deep.equal([group(AUTHENTICATED_USERS_URI, 'READ'), owner('FULL_CONTROL')]);
    expect(decodeAcl('log-delivery-write', 'bucket', OWNER)).to.deep.equal([group(LOG_DELIVERY_URI, 'WRITE'), group(LOG_DELIVERY_URI, 'READ_ACP'), owner('FULL_CONTROL')]);
    expect(storedGroupGrants('public-read', 'object')).to.deep.equal([group(ALL_USERS_URI, 'READ')]);
    expect(storedGroupGrants(encodeAcl([owner('READ'), group(AUTHENTICATED_USERS_URI, 'WRITE')], OWNER), 'bucket')).to.deep.equal([group(AUTHENTICATED_USERS_URI, 'WRITE')]);
  });

  it('parses grant header values: quoted or bare, several grantees, refusing unknown IDs and junk', () => {
    expect(parseGrantHeader('x-amz-grant-read', `id=${OWNER}`, OWNER)).to.deep.equal([{ type: 'CanonicalUser', id: OWNER }]);
    expect(parseGrantHeader('x-amz-grant-read', ` uri="${ALL_USERS_URI}" , id="${OWNER}"`, OWNER)).to.deep.equal([{ type: 'Group', uri: ALL_USERS_URI }, { type: 'CanonicalUser', id: OWNER }]);
    for (const bad of ['', 'id=', `id="${OWNER}",`, 'id="other"', 'uri="http://example.com/group"', 'who="x"']) {
      expect(() => parseGrantHeader('x-amz-grant-read', bad, OWNER), bad).to.throw().with.property('code', 'InvalidArgument');
    }
    expect(() => parseGrantHeader('x-amz-grant-read', 'emailAddress="a@example.invalid"', OWNER)).to.throw().with.property('code', 'UnresolvableGrantByEmailAddress');
  });
});

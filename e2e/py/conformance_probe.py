"""Keyless S3 conformance probe: small named checks of the behaviours the public ceph/s3-tests suite
(s3tests_boto3/functional/test_s3.py) asserts, replayed with boto3 against a running server.

Our own code: each check re-states one documented expectation (status, error code, header or XML field)
and names the suite test it mirrors. It is a fast regression yardstick, not a replacement for the suite;
see docs/conformance-notes.md for running the real suite.

Usage: python3 conformance_probe.py ENDPOINT CA_PEM
  env AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY   main user (the root user works)
  env ALT_ACCESS_KEY_ID / ALT_SECRET_ACCESS_KEY   optional second static user (`--policy readwrite`)
  env PROBE_ONLY=substring                        run only checks whose name contains it
Prints one "PASS name" / "FAIL name: expected ... got ..." line per check on stderr and a JSON summary
({"passed": n, "failed": n, "total": n, "failures": {name: message}, "by_area": {...}}) on stdout.
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import string
import sys
import time
import traceback
from collections import OrderedDict

import boto3
import requests
import urllib3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

MIB = 1024 * 1024


class Failure(Exception):
    """A check's expectation was not met; the message says expected vs actual."""


def eq(actual, expected, what="value"):
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


def truthy(cond, what):
    if not cond:
        raise Failure(what)


def status_of(e):
    return e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def code_of(e):
    return e.response.get("Error", {}).get("Code")


def expect_error(fn, status, code=None, *args, **kwargs):
    """Calls fn; it must raise ClientError with this HTTP status (and error code when given)."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = (status_of(e), code_of(e))
        codes = code if isinstance(code, (tuple, list)) else (code,)
        if got[0] != status or (code is not None and got[1] not in codes):
            raise Failure(f"expected error {status} {code}, got {got[0]} {got[1]}")
        return e
    raise Failure(f"expected error {status} {code}, got success")


class Ctx:
    """Clients, a bucket-name factory and cleanup bookkeeping shared by all checks."""

    def __init__(self, endpoint, ca):
        self.endpoint = endpoint.rstrip("/")
        self.ca = ca
        self.ak = os.environ["AWS_ACCESS_KEY_ID"]
        self.sk = os.environ["AWS_SECRET_ACCESS_KEY"]
        self.alt_ak = os.environ.get("ALT_ACCESS_KEY_ID")
        self.alt_sk = os.environ.get("ALT_SECRET_ACCESS_KEY")
        self.prefix = "probe-" + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(8)) + "-"
        self.counter = 0
        self.buckets = []
        self.client = self.make_client(self.ak, self.sk)
        self.anon = self.make_client(None, None, signature_version=UNSIGNED)
        self.alt = self.make_client(self.alt_ak, self.alt_sk) if self.alt_ak else None

    def make_client(self, ak, sk, signature_version="s3v4"):
        cfg = Config(signature_version=signature_version, s3={"addressing_style": "path"}, retries={"max_attempts": 1})
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            verify=self.ca,
            aws_access_key_id=ak or "",
            aws_secret_access_key=sk or "",
            config=cfg,
        )

    def bucket_name(self):
        self.counter += 1
        return f"{self.prefix}{self.counter}"

    def new_bucket(self, client=None, **kwargs):
        name = self.bucket_name()
        (client or self.client).create_bucket(Bucket=name, **kwargs)
        self.buckets.append(name)
        return name

    def bucket_with(self, keys):
        name = self.new_bucket()
        for k in keys:
            self.client.put_object(Bucket=name, Key=k, Body=k.encode())
        return name

    def url(self, bucket, key=None):
        return f"{self.endpoint}/{bucket}" + (f"/{key}" if key is not None else "")

    def cleanup(self):
        c = self.client
        for b in self.buckets:
            try:
                try:
                    c.delete_bucket_policy(Bucket=b)
                    c.delete_public_access_block(Bucket=b)
                except ClientError:
                    pass
                kw = {"Bucket": b}
                while True:
                    r = c.list_object_versions(**kw)
                    objs = r.get("Versions", []) + r.get("DeleteMarkers", [])
                    for o in objs:
                        try:
                            c.put_object_legal_hold(Bucket=b, Key=o["Key"], VersionId=o["VersionId"], LegalHold={"Status": "OFF"})
                        except ClientError:
                            pass
                        try:
                            c.delete_object(Bucket=b, Key=o["Key"], VersionId=o["VersionId"], BypassGovernanceRetention=True)
                        except ClientError:
                            pass
                    if not r.get("IsTruncated"):
                        break
                    kw["KeyMarker"] = r.get("NextKeyMarker")
                    kw["VersionIdMarker"] = r.get("NextVersionIdMarker")
                for u in c.list_multipart_uploads(Bucket=b).get("Uploads", []):
                    c.abort_multipart_upload(Bucket=b, Key=u["Key"], UploadId=u["UploadId"])
                c.delete_bucket(Bucket=b)
            except Exception:
                pass


CHECKS = []


def check(area, suite_test=None):
    """Registers a check under a feature area; suite_test names the ceph/s3-tests test it mirrors."""

    def deco(fn):
        CHECKS.append((fn.__name__, area, suite_test or ("test_" + fn.__name__), fn))
        return fn

    return deco


def keys_of(r):
    return [o["Key"] for o in r.get("Contents", [])]


def prefixes_of(r):
    return [p["Prefix"] for p in r.get("CommonPrefixes", [])]


def body_of(r):
    return r["Body"].read().decode()


# ----------------------------------------------------------------------------------------------------------------
# Buckets: naming, create, head, delete, location, list buckets
# ----------------------------------------------------------------------------------------------------------------


def _bad_bucket_name(ctx, name):
    expect_error(ctx.client.create_bucket, 400, "InvalidBucketName", Bucket=name)


@check("bucket")
def bucket_create_naming_bad_short_one(ctx):
    _bad_bucket_name(ctx, "a")


@check("bucket")
def bucket_create_naming_bad_short_two(ctx):
    _bad_bucket_name(ctx, "aa")


@check("bucket")
def bucket_create_naming_bad_starts_nonalpha(ctx):
    _bad_bucket_name(ctx, "_" + ctx.bucket_name())


@check("bucket")
def bucket_create_naming_bad_ip(ctx):
    _bad_bucket_name(ctx, "192.168.5.123")


@check("bucket")
def bucket_create_naming_dns_underscore(ctx):
    _bad_bucket_name(ctx, "foo_bar")


@check("bucket")
def bucket_create_naming_dns_dash_at_end(ctx):
    _bad_bucket_name(ctx, "foo-")


@check("bucket")
def bucket_create_naming_dns_dot_dot(ctx):
    _bad_bucket_name(ctx, "foo..bar")


@check("bucket")
def bucket_create_naming_dns_dot_dash(ctx):
    _bad_bucket_name(ctx, "foo.-bar")


@check("bucket")
def bucket_create_naming_dns_dash_dot(ctx):
    _bad_bucket_name(ctx, "foo-.bar")


@check("bucket", "test_bucket_create_naming_good_long_63")
def bucket_create_naming_good_long_63(ctx):
    name = ctx.bucket_name()
    name = name + "a" * (63 - len(name))
    r = ctx.client.create_bucket(Bucket=name)
    ctx.buckets.append(name)
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("bucket", "(AWS rule) 64-character name")
def bucket_create_naming_bad_long_64(ctx):
    name = ctx.bucket_name()
    _bad_bucket_name(ctx, name + "a" * (64 - len(name)))


@check("bucket")
def bucket_list_empty(ctx):
    b = ctx.new_bucket()
    eq(keys_of(ctx.client.list_objects(Bucket=b)), [], "keys")


@check("bucket")
def bucket_create_exists(ctx):
    b = ctx.new_bucket()
    try:
        ctx.client.create_bucket(Bucket=b)
    except ClientError as e:
        eq((status_of(e), code_of(e)), (409, "BucketAlreadyOwnedByYou"), "error")


@check("bucket")
def bucket_create_delete(ctx):
    b = ctx.new_bucket()
    ctx.client.delete_bucket(Bucket=b)
    expect_error(ctx.client.delete_bucket, 404, "NoSuchBucket", Bucket=b)


@check("bucket")
def bucket_delete_notexist(ctx):
    expect_error(ctx.client.delete_bucket, 404, "NoSuchBucket", Bucket=ctx.bucket_name())


@check("bucket")
def bucket_delete_nonempty(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.delete_bucket, 409, "BucketNotEmpty", Bucket=b)


@check("bucket")
def bucket_head(ctx):
    r = ctx.client.head_bucket(Bucket=ctx.new_bucket())
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("bucket")
def bucket_head_notexist(ctx):
    expect_error(ctx.client.head_bucket, 404, None, Bucket=ctx.bucket_name())


@check("bucket")
def bucket_notexist(ctx):
    expect_error(ctx.client.list_objects, 404, "NoSuchBucket", Bucket=ctx.bucket_name())


@check("bucket")
def bucketv2_notexist(ctx):
    expect_error(ctx.client.list_objects_v2, 404, "NoSuchBucket", Bucket=ctx.bucket_name())


@check("bucket")
def bucket_get_location(ctx):
    # The suite creates with its configured api_name; in us-east-1 AWS reports a null constraint.
    r = ctx.client.get_bucket_location(Bucket=ctx.new_bucket())
    eq(r.get("LocationConstraint"), None, "LocationConstraint")


@check("bucket", "(AWS) a LocationConstraint for another region")
def bucket_create_other_region(ctx):
    expect_error(ctx.client.create_bucket, 400, "IllegalLocationConstraintException", Bucket=ctx.bucket_name(), CreateBucketConfiguration={"LocationConstraint": "us-west-2"})


@check("bucket", "test_buckets_create_then_list")
def buckets_create_then_list(ctx):
    names = [ctx.new_bucket() for _ in range(3)]
    listed = [b["Name"] for b in ctx.client.list_buckets()["Buckets"]]
    for n in names:
        truthy(n in listed, f"bucket {n} missing from ListBuckets")


@check("bucket", "test_list_buckets_paginated")
def list_buckets_paginated(ctx):
    for _ in range(3):
        ctx.new_bucket()
    r = ctx.client.list_buckets(MaxBuckets=1, Prefix=ctx.prefix)
    eq(len(r["Buckets"]), 1, "page size")
    truthy("ContinuationToken" in r, "ContinuationToken missing on a truncated page")
    r2 = ctx.client.list_buckets(MaxBuckets=1, Prefix=ctx.prefix, ContinuationToken=r["ContinuationToken"])
    truthy(r2["Buckets"][0]["Name"] > r["Buckets"][0]["Name"], "second page does not continue after the first")


@check("bucket", "test_list_buckets_anonymous (fails_on_aws: AWS answers 403, as Keyless does)")
def list_buckets_anonymous(ctx):
    expect_error(ctx.anon.list_buckets, 403, "AccessDenied")


@check("bucket")
def list_buckets_invalid_auth(ctx):
    bad = ctx.make_client("badauth", "roflmao")
    expect_error(bad.list_buckets, 403, "InvalidAccessKeyId")


@check("bucket")
def list_buckets_bad_auth(ctx):
    bad = ctx.make_client(ctx.ak, "roflmao-wrong-secret")
    expect_error(bad.list_buckets, 403, "SignatureDoesNotMatch")


@check("bucket", "test_bucket_list_long_name")
def bucket_list_long_name(ctx):
    name = ctx.bucket_name()
    name = name + "a" * (61 - len(name))
    ctx.client.create_bucket(Bucket=name)
    ctx.buckets.append(name)
    eq(keys_of(ctx.client.list_objects(Bucket=name)), [], "keys")


# ----------------------------------------------------------------------------------------------------------------
# Objects: put/get/head/delete, metadata, headers
# ----------------------------------------------------------------------------------------------------------------


@check("object")
def object_write_check_etag(ctx):
    b = ctx.new_bucket()
    r = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")
    eq(r["ETag"], '"37b51d194a7513e45b56f6524f2d51f2"', "ETag")


@check("object")
def object_head_zero_bytes(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="")
    eq(ctx.client.head_object(Bucket=b, Key="foo")["ContentLength"], 0, "ContentLength")


@check("object")
def object_read_not_exist(ctx):
    expect_error(ctx.client.get_object, 404, "NoSuchKey", Bucket=ctx.new_bucket(), Key="bar")


@check("object", "(AWS) HeadObject on a missing key")
def object_head_not_exist(ctx):
    expect_error(ctx.client.head_object, 404, None, Bucket=ctx.new_bucket(), Key="bar")


@check("object")
def object_write_to_nonexist_bucket(ctx):
    expect_error(ctx.client.put_object, 404, "NoSuchBucket", Bucket=ctx.bucket_name(), Key="foo", Body="foo")


@check("object")
def object_write_read_update_read_delete(ctx):
    b = ctx.new_bucket()
    c = ctx.client
    c.put_object(Bucket=b, Key="foo", Body="bar")
    eq(body_of(c.get_object(Bucket=b, Key="foo")), "bar", "first body")
    c.put_object(Bucket=b, Key="foo", Body="soup")
    eq(body_of(c.get_object(Bucket=b, Key="foo")), "soup", "second body")
    r = c.delete_object(Bucket=b, Key="foo")
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")


@check("object", "(AWS) DeleteObject of a missing key answers 204")
def object_delete_not_exist(ctx):
    r = ctx.client.delete_object(Bucket=ctx.new_bucket(), Key="nope")
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 204, "status")


@check("object")
def object_write_cache_control(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", CacheControl="public, max-age=14400")
    h = ctx.client.head_object(Bucket=b, Key="foo")["ResponseMetadata"]["HTTPHeaders"]
    eq(h.get("cache-control"), "public, max-age=14400", "cache-control")


@check("object")
def object_write_expires(ctx):
    b = ctx.new_bucket()
    exp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=6000)
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", Expires=exp)
    r = ctx.client.head_object(Bucket=b, Key="foo")
    got = r.get("Expires") or r["ResponseMetadata"]["HTTPHeaders"].get("expires")
    if isinstance(got, str):
        import email.utils as eu

        got = eu.parsedate_to_datetime(got)
    eq(got, exp, "Expires")


def _set_get_meta(ctx, value, bucket=None):
    b = bucket or ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", Metadata={"meta1": value})
    return ctx.client.get_object(Bucket=b, Key="foo")["Metadata"].get("meta1"), b


@check("metadata")
def object_set_get_metadata_none_to_good(ctx):
    eq(_set_get_meta(ctx, "mymeta")[0], "mymeta", "meta1")


@check("metadata")
def object_set_get_metadata_none_to_empty(ctx):
    eq(_set_get_meta(ctx, "")[0], "", "meta1")


@check("metadata")
def object_set_get_metadata_overwrite_to_empty(ctx):
    got, b = _set_get_meta(ctx, "oldmeta")
    eq(got, "oldmeta", "first meta1")
    eq(_set_get_meta(ctx, "", b)[0], "", "second meta1")


@check("metadata")
def object_metadata_replaced_on_put(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", Metadata={"meta1": "bar"})
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar")
    eq(ctx.client.get_object(Bucket=b, Key="foo")["Metadata"], {}, "Metadata")


@check("metadata", "(AWS) user metadata keys are case-insensitive and returned lower-case")
def object_metadata_case(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", Metadata={"MiXeD": "v"})
    eq(ctx.client.head_object(Bucket=b, Key="foo")["Metadata"], {"mixed": "v"}, "Metadata")


@check("object")
def object_requestid_matches_header_on_error(ctx):
    r = requests.get(ctx.url(ctx.new_bucket(), "bar"), verify=ctx.ca)
    import xml.etree.ElementTree as ET

    rid = ET.fromstring(r.content).find(".//RequestId")
    truthy(rid is not None and rid.text, "error body has no RequestId")
    eq(rid.text, r.headers.get("x-amz-request-id"), "RequestId vs x-amz-request-id")


@check("object")
def object_write_with_chunked_transfer_encoding(ctx):
    b = ctx.new_bucket()
    c = ctx.make_client(ctx.ak, ctx.sk)
    c.meta.events.register_first("before-sign.*.*", lambda request, **kw: request.headers.add_header("Transfer-Encoding", "chunked"))
    r = c.put_object(Bucket=b, Key="foo", Body="bar")
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 200, "status")
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo")), "bar", "body")


@check("object")
def object_content_encoding_aws_chunked(ctx):
    b = ctx.new_bucket()
    c = ctx.client
    cases = [("gzip", "gzip"), ("deflate, gzip", "deflate, gzip"), ("gzip, aws-chunked", "gzip"), ("aws-chunked, gzip", "gzip"), ("aws-chunked", None)]
    for sent, want in cases:
        c.put_object(Bucket=b, Key="enc", ContentEncoding=sent)
        eq(c.head_object(Bucket=b, Key="enc").get("ContentEncoding"), want, f"ContentEncoding after {sent!r}")


@check("object")
def object_raw_response_headers(ctx):
    b = ctx.bucket_with(["foo"])
    r = ctx.client.get_object(
        Bucket=b,
        Key="foo",
        ResponseCacheControl="no-cache",
        ResponseContentDisposition="bla",
        ResponseContentEncoding="aaa",
        ResponseContentLanguage="esperanto",
        ResponseContentType="foo/bar",
        ResponseExpires="123",
    )
    h = r["ResponseMetadata"]["HTTPHeaders"]
    eq(
        (h.get("content-type"), h.get("content-disposition"), h.get("content-language"), h.get("content-encoding"), h.get("cache-control")),
        ("foo/bar", "bla", "esperanto", "aaa", "no-cache"),
        "override headers",
    )


@check("object", "(AWS) keys with unicode, spaces and reserved characters round-trip")
def object_key_special_characters(ctx):
    b = ctx.new_bucket()
    keys = ["a b/c+d", "ünïcødé/ключ", "x?y#z&w=v", "percent%20literal", "tilde~star*"]
    for k in keys:
        ctx.client.put_object(Bucket=b, Key=k, Body=k.encode())
    eq(sorted(keys_of(ctx.client.list_objects_v2(Bucket=b))), sorted(keys), "listed keys")
    for k in keys:
        eq(body_of(ctx.client.get_object(Bucket=b, Key=k)), k, f"body of {k!r}")


@check("object", "test_object_create_bad_md5_invalid_short (test_headers.py)")
def object_create_bad_md5(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.put_object, 400, "InvalidDigest", Bucket=b, Key="foo", Body="bar", ContentMD5="YWJjZA==")


@check("object", "(AWS) Content-MD5 of other bytes")
def object_create_bad_md5_mismatch(ctx):
    b = ctx.new_bucket()
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    expect_error(ctx.client.put_object, 400, "BadDigest", Bucket=b, Key="foo", Body="bar", ContentMD5=wrong)


@check("object", "test_object_head (x-amz-request-id present)")
def object_head_request_id(ctx):
    b = ctx.bucket_with(["foo"])
    h = ctx.client.head_object(Bucket=b, Key="foo")["ResponseMetadata"]["HTTPHeaders"]
    truthy(h.get("x-amz-request-id"), "x-amz-request-id missing")
    eq(h.get("content-length"), "3", "content-length")


@check("object", "(AWS) x-amz-storage-class accepted and reported")
def object_storage_class(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", StorageClass="STANDARD_IA")
    eq(ctx.client.head_object(Bucket=b, Key="foo").get("StorageClass"), "STANDARD_IA", "StorageClass")
    eq(ctx.client.list_objects_v2(Bucket=b)["Contents"][0]["StorageClass"], "STANDARD_IA", "listing StorageClass")


@check("object", "(AWS) unknown storage class")
def object_storage_class_invalid(ctx):
    b = ctx.new_bucket()
    c = ctx.make_client(ctx.ak, ctx.sk)
    c.meta.events.register("before-sign.s3.PutObject", lambda request, **kw: request.headers.__setitem__("x-amz-storage-class", "FROZEN_SOLID"))
    expect_error(c.put_object, 400, "InvalidStorageClass", Bucket=b, Key="foo", Body="bar")


# ----------------------------------------------------------------------------------------------------------------
# Ranges and conditionals
# ----------------------------------------------------------------------------------------------------------------


def _range_bucket(ctx, body="testcontent"):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="testobj", Body=body)
    return b


@check("range")
def ranged_request_response_code(ctx):
    b = _range_bucket(ctx)
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=4-7")
    eq(body_of(r), "cont", "body")
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 206, "status")
    eq(r["ResponseMetadata"]["HTTPHeaders"].get("content-range"), "bytes 4-7/11", "content-range")


@check("range")
def ranged_request_skip_leading_bytes_response_code(ctx):
    b = _range_bucket(ctx)
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=4-")
    eq(body_of(r), "content", "body")
    eq(r["ResponseMetadata"]["HTTPHeaders"].get("content-range"), "bytes 4-10/11", "content-range")


@check("range")
def ranged_request_return_trailing_bytes_response_code(ctx):
    b = _range_bucket(ctx)
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=-7")
    eq(body_of(r), "content", "body")
    eq(r["ResponseMetadata"]["HTTPHeaders"].get("content-range"), "bytes 4-10/11", "content-range")


@check("range")
def ranged_request_invalid_range(ctx):
    b = _range_bucket(ctx)
    expect_error(ctx.client.get_object, 416, "InvalidRange", Bucket=b, Key="testobj", Range="bytes=40-50")


@check("range")
def ranged_request_empty_object(ctx):
    b = _range_bucket(ctx, "")
    expect_error(ctx.client.get_object, 416, "InvalidRange", Bucket=b, Key="testobj", Range="bytes=40-50")


@check("range")
def ranged_big_request_response_code(ctx):
    data = os.urandom(8 * MIB)
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="testobj", Body=data)
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=3145728-5242880")
    eq(r["Body"].read() == data[3145728:5242881], True, "body equals the slice")
    eq(r["ResponseMetadata"]["HTTPHeaders"].get("content-range"), f"bytes 3145728-5242880/{8 * MIB}", "content-range")


@check("range", "(RFC 9110) unsatisfiable-syntax range is ignored: whole object, 200")
def ranged_request_malformed_ignored(ctx):
    b = _range_bucket(ctx)
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=abc")
    eq((r["ResponseMetadata"]["HTTPStatusCode"], body_of(r)), (200, "testcontent"), "status/body")


@check("conditional")
def get_object_ifmatch_good(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")["ETag"]
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo", IfMatch=etag)), "bar", "body")


@check("conditional")
def get_object_ifmatch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.get_object, 412, "PreconditionFailed", Bucket=b, Key="foo", IfMatch='"ABCORZ"')


@check("conditional")
def get_object_ifnonematch_good(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")["ETag"]
    e = expect_error(ctx.client.get_object, 304, None, Bucket=b, Key="foo", IfNoneMatch=etag)
    eq(e.response["ResponseMetadata"]["HTTPHeaders"].get("etag"), etag, "etag header on 304")


@check("conditional")
def get_object_ifnonematch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo", IfNoneMatch="ABCORZ")), "foo", "body")


@check("conditional")
def get_object_ifmodifiedsince_good(ctx):
    b = ctx.bucket_with(["foo"])
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo", IfModifiedSince="Sat, 29 Oct 1994 19:43:31 GMT")), "foo", "body")


@check("conditional")
def get_object_ifmodifiedsince_failed(ctx):
    b = ctx.bucket_with(["foo"])
    lm = ctx.client.head_object(Bucket=b, Key="foo")["LastModified"] + datetime.timedelta(seconds=1)
    expect_error(ctx.client.get_object, 304, None, Bucket=b, Key="foo", IfModifiedSince=lm)


@check("conditional")
def get_object_ifunmodifiedsince_good(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.get_object, 412, "PreconditionFailed", Bucket=b, Key="foo", IfUnmodifiedSince="Sat, 29 Oct 1994 19:43:31 GMT")


@check("conditional")
def get_object_ifunmodifiedsince_failed(ctx):
    b = ctx.bucket_with(["foo"])
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo", IfUnmodifiedSince="Sat, 29 Oct 2100 19:43:31 GMT")), "foo", "body")


@check("conditional", "(AWS) HeadObject If-Match failure")
def head_object_ifmatch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.head_object, 412, None, Bucket=b, Key="foo", IfMatch='"nope"')


@check("conditional")
def put_object_ifmatch_good(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")["ETag"]
    ctx.client.put_object(Bucket=b, Key="foo", Body="zar", IfMatch=etag)
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo")), "zar", "body")


@check("conditional")
def put_object_ifmatch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.put_object, 412, "PreconditionFailed", Bucket=b, Key="foo", Body="zar", IfMatch='"ABCORZ"')
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo")), "foo", "body unchanged")


@check("conditional")
def put_object_ifmatch_nonexisted_failed(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.put_object, 404, "NoSuchKey", Bucket=b, Key="foo", Body="bar", IfMatch="*")


@check("conditional")
def put_object_ifnonmatch_nonexisted_good(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", IfNoneMatch="*")
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo")), "bar", "body")


@check("conditional")
def put_object_ifnonmatch_overwrite_existed_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.put_object, 412, "PreconditionFailed", Bucket=b, Key="foo", Body="zar", IfNoneMatch="*")


@check("conditional", "(AWS) DeleteObject If-Match mismatch")
def delete_object_ifmatch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.delete_object, 412, "PreconditionFailed", Bucket=b, Key="foo", IfMatch='"nope"')


# ----------------------------------------------------------------------------------------------------------------
# Listing v1/v2
# ----------------------------------------------------------------------------------------------------------------


@check("list")
def bucket_list_many(ctx):
    b = ctx.bucket_with(["foo", "bar", "baz"])
    r = ctx.client.list_objects(Bucket=b, MaxKeys=2)
    eq((keys_of(r), r["IsTruncated"]), (["bar", "baz"], True), "page 1")
    r = ctx.client.list_objects(Bucket=b, Marker="baz", MaxKeys=2)
    eq((keys_of(r), r["IsTruncated"]), (["foo"], False), "page 2")


@check("list")
def bucket_listv2_many(ctx):
    b = ctx.bucket_with(["foo", "bar", "baz"])
    r = ctx.client.list_objects_v2(Bucket=b, MaxKeys=2)
    eq((keys_of(r), r["IsTruncated"]), (["bar", "baz"], True), "page 1")
    r = ctx.client.list_objects_v2(Bucket=b, StartAfter="baz", MaxKeys=2)
    eq((keys_of(r), r["IsTruncated"]), (["foo"], False), "page 2")


@check("list")
def basic_key_count(ctx):
    b = ctx.bucket_with([str(i) for i in range(5)])
    eq(ctx.client.list_objects_v2(Bucket=b)["KeyCount"], 5, "KeyCount")


@check("list")
def bucket_list_delimiter_basic(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/bar/xyzzy", "quux/thud", "asdf"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="/")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r)), ("/", ["asdf"], ["foo/", "quux/"]), "listing")


@check("list")
def bucket_listv2_delimiter_basic(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/bar/xyzzy", "quux/thud", "asdf"])
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter="/")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r), r["KeyCount"]), ("/", ["asdf"], ["foo/", "quux/"], 3), "listing")


@check("list")
def bucket_listv2_encoding_basic(ctx):
    b = ctx.bucket_with(["foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b"])
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter="/", EncodingType="url")
    eq((keys_of(r), prefixes_of(r)), (["asdf%2Bb"], ["foo%2B1/", "foo/", "quux%20ab/"]), "encoded listing")


@check("list")
def bucket_list_encoding_basic(ctx):
    b = ctx.bucket_with(["foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="/", EncodingType="url")
    eq((keys_of(r), prefixes_of(r)), (["asdf%2Bb"], ["foo%2B1/", "foo/", "quux%20ab/"]), "encoded listing")


def _v1_page(ctx, b, prefix, marker, max_keys):
    r = ctx.client.list_objects(Bucket=b, Delimiter="/", Marker=marker, MaxKeys=max_keys, Prefix=prefix)
    return (r["IsTruncated"], r.get("NextMarker"), keys_of(r), prefixes_of(r))


@check("list")
def bucket_list_delimiter_prefix(ctx):
    b = ctx.bucket_with(["asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"])
    eq(_v1_page(ctx, b, "", "", 1), (True, "asdf", ["asdf"], []), "page 1")
    eq(_v1_page(ctx, b, "", "asdf", 1), (True, "boo/", [], ["boo/"]), "page 2")
    eq(_v1_page(ctx, b, "", "boo/", 1), (False, None, [], ["cquux/"]), "page 3")
    eq(_v1_page(ctx, b, "", "", 2), (True, "boo/", ["asdf"], ["boo/"]), "max2 page 1")
    eq(_v1_page(ctx, b, "boo/", "", 1), (True, "boo/bar", ["boo/bar"], []), "prefixed page 1")
    eq(_v1_page(ctx, b, "boo/", "boo/bar", 1), (False, None, [], ["boo/baz/"]), "prefixed page 2")


@check("list")
def bucket_listv2_delimiter_prefix(ctx):
    b = ctx.bucket_with(["asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"])
    c = ctx.client
    r = c.list_objects_v2(Bucket=b, Delimiter="/", MaxKeys=1, Prefix="", StartAfter="")
    eq((r["IsTruncated"], keys_of(r), prefixes_of(r)), (True, ["asdf"], []), "page 1")
    r = c.list_objects_v2(Bucket=b, Delimiter="/", MaxKeys=1, Prefix="", ContinuationToken=r["NextContinuationToken"])
    eq((r["IsTruncated"], keys_of(r), prefixes_of(r)), (True, [], ["boo/"]), "page 2")
    r = c.list_objects_v2(Bucket=b, Delimiter="/", MaxKeys=1, Prefix="", ContinuationToken=r["NextContinuationToken"])
    eq((r["IsTruncated"], keys_of(r), prefixes_of(r), r.get("NextContinuationToken")), (False, [], ["cquux/"], None), "page 3")


@check("list")
def bucket_listv2_delimiter_prefix_ends_with_delimiter(ctx):
    b = ctx.bucket_with(["asdf/"])
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter="/", Prefix="asdf/")
    eq((keys_of(r), prefixes_of(r)), (["asdf/"], []), "listing")


@check("list")
def bucket_list_delimiter_alt(ctx):
    b = ctx.bucket_with(["bar", "baz", "cab", "foo"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="a")
    eq((keys_of(r), prefixes_of(r)), (["foo"], ["ba", "ca"]), "listing")


@check("list")
def bucket_list_delimiter_percentage(ctx):
    b = ctx.bucket_with(["b%ar", "b%az", "c%ab", "foo"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="%")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r)), ("%", ["foo"], ["b%", "c%"]), "listing")


@check("list")
def bucket_listv2_delimiter_whitespace(ctx):
    b = ctx.bucket_with(["b ar", "b az", "c ab", "foo"])
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter=" ")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r)), (" ", ["foo"], ["b ", "c "]), "listing")


@check("list")
def bucket_list_delimiter_dot(ctx):
    b = ctx.bucket_with(["b.ar", "b.az", "c.ab", "foo"])
    r = ctx.client.list_objects(Bucket=b, Delimiter=".")
    eq((keys_of(r), prefixes_of(r)), (["foo"], ["b.", "c."]), "listing")


@check("list")
def bucket_list_delimiter_unreadable(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, Delimiter="\x0a")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r)), ("\x0a", names, []), "listing")


@check("list")
def bucket_list_delimiter_empty(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, Delimiter="")
    eq(("Delimiter" in r, keys_of(r), prefixes_of(r)), (False, names, []), "(Delimiter present, keys, prefixes)")


@check("list")
def bucket_listv2_delimiter_empty(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter="")
    eq(("Delimiter" in r, keys_of(r)), (False, names), "(Delimiter present, keys)")


@check("list")
def bucket_list_delimiter_none(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b)
    eq(("Delimiter" in r, keys_of(r)), (False, names), "(Delimiter present, keys)")


@check("list")
def bucket_list_delimiter_not_exist(ctx):
    names = ["bar", "baz", "cab", "foo"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, Delimiter="/")
    eq((r.get("Delimiter"), keys_of(r), prefixes_of(r)), ("/", names, []), "listing")


@check("list")
def bucket_listv2_fetchowner_notempty(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz", "quux"])
    truthy("Owner" in ctx.client.list_objects_v2(Bucket=b, FetchOwner=True)["Contents"][0], "Owner missing with FetchOwner=true")


@check("list")
def bucket_listv2_fetchowner_defaultempty(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz", "quux"])
    truthy("Owner" not in ctx.client.list_objects_v2(Bucket=b)["Contents"][0], "Owner present without FetchOwner")


@check("list")
def bucket_list_prefix_basic(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz", "quux"])
    r = ctx.client.list_objects(Bucket=b, Prefix="foo/")
    eq((r.get("Prefix"), keys_of(r), prefixes_of(r)), ("foo/", ["foo/bar", "foo/baz"], []), "listing")


@check("list")
def bucket_listv2_prefix_alt(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo"])
    r = ctx.client.list_objects_v2(Bucket=b, Prefix="ba")
    eq((r.get("Prefix"), keys_of(r)), ("ba", ["bar", "baz"]), "listing")


@check("list")
def bucket_list_prefix_empty(ctx):
    names = ["foo/bar", "foo/baz", "quux"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, Prefix="")
    eq((r.get("Prefix"), keys_of(r)), ("", names), "listing")


@check("list")
def bucket_list_prefix_not_exist(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz", "quux"])
    r = ctx.client.list_objects(Bucket=b, Prefix="d")
    eq((r.get("Prefix"), keys_of(r), prefixes_of(r)), ("d", [], []), "listing")


@check("list")
def bucket_list_prefix_unreadable(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz", "quux"])
    r = ctx.client.list_objects(Bucket=b, Prefix="\x0a")
    eq((r.get("Prefix"), keys_of(r)), ("\x0a", []), "listing")


@check("list")
def bucket_list_prefix_delimiter_basic(ctx):
    b = ctx.bucket_with(["foo/bar", "foo/baz/xyzzy", "quux/thud", "asdf"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="/", Prefix="foo/")
    eq((keys_of(r), prefixes_of(r)), (["foo/bar"], ["foo/baz/"]), "listing")


@check("list")
def bucket_listv2_prefix_delimiter_alt(ctx):
    b = ctx.bucket_with(["bar", "bazar", "cab", "foo"])
    r = ctx.client.list_objects_v2(Bucket=b, Delimiter="a", Prefix="ba")
    eq((keys_of(r), prefixes_of(r)), (["bar"], ["baza"]), "listing")


@check("list")
def bucket_list_prefix_delimiter_prefix_not_exist(ctx):
    b = ctx.bucket_with(["b/a/r", "b/a/c", "b/a/g", "g"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="d", Prefix="/")
    eq((keys_of(r), prefixes_of(r)), ([], []), "listing")


@check("list")
def bucket_list_prefix_delimiter_delimiter_not_exist(ctx):
    b = ctx.bucket_with(["b/a/c", "b/a/g", "b/a/r", "g"])
    r = ctx.client.list_objects(Bucket=b, Delimiter="z", Prefix="b")
    eq((keys_of(r), prefixes_of(r)), (["b/a/c", "b/a/g", "b/a/r"], []), "listing")


@check("list")
def bucket_list_maxkeys_one(ctx):
    names = ["bar", "baz", "foo", "quxx"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, MaxKeys=1)
    eq((r["IsTruncated"], keys_of(r)), (True, names[:1]), "page 1")
    r = ctx.client.list_objects(Bucket=b, Marker=names[0])
    eq((r["IsTruncated"], keys_of(r)), (False, names[1:]), "page 2")


@check("list")
def bucket_list_maxkeys_zero(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    r = ctx.client.list_objects(Bucket=b, MaxKeys=0)
    eq((r["IsTruncated"], keys_of(r)), (False, []), "(IsTruncated, keys)")


@check("list")
def bucket_listv2_maxkeys_zero(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    r = ctx.client.list_objects_v2(Bucket=b, MaxKeys=0)
    eq((r["IsTruncated"], keys_of(r)), (False, []), "(IsTruncated, keys)")


@check("list")
def bucket_list_maxkeys_none(ctx):
    names = ["bar", "baz", "foo", "quxx"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b)
    eq((r["IsTruncated"], keys_of(r), r.get("MaxKeys")), (False, names, 1000), "(IsTruncated, keys, MaxKeys)")


@check("list")
def bucket_list_maxkeys_invalid(ctx):
    b = ctx.bucket_with(["bar"])
    c = ctx.make_client(ctx.ak, ctx.sk)

    def add(params, **kw):
        params["url"] += "&max-keys=blah" if "?" in params["url"] else "?max-keys=blah"

    c.meta.events.register("before-call.s3.ListObjects", add)
    expect_error(c.list_objects, 400, "InvalidArgument", Bucket=b)


@check("list")
def bucket_list_marker_none(ctx):
    b = ctx.bucket_with(["bar"])
    eq(ctx.client.list_objects(Bucket=b).get("Marker"), "", "Marker")


@check("list")
def bucket_listv2_continuationtoken_empty(ctx):
    names = ["bar", "baz", "foo", "quxx"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects_v2(Bucket=b, ContinuationToken="")
    eq((r.get("ContinuationToken"), r["IsTruncated"], keys_of(r)), ("", False, names), "listing")


@check("list")
def bucket_listv2_continuationtoken(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    tok = ctx.client.list_objects_v2(Bucket=b, MaxKeys=1)["NextContinuationToken"]
    r = ctx.client.list_objects_v2(Bucket=b, ContinuationToken=tok)
    eq((r.get("ContinuationToken"), r["IsTruncated"], keys_of(r)), (tok, False, ["baz", "foo", "quxx"]), "listing")


@check("list")
def bucket_listv2_both_continuationtoken_startafter(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    tok = ctx.client.list_objects_v2(Bucket=b, StartAfter="bar", MaxKeys=1)["NextContinuationToken"]
    r = ctx.client.list_objects_v2(Bucket=b, StartAfter="bar", ContinuationToken=tok)
    eq((r.get("StartAfter"), r["IsTruncated"], keys_of(r)), ("bar", False, ["foo", "quxx"]), "listing")


@check("list")
def bucket_list_marker_unreadable(ctx):
    names = ["bar", "baz", "foo", "quxx"]
    b = ctx.bucket_with(names)
    r = ctx.client.list_objects(Bucket=b, Marker="\x0a")
    eq((r.get("Marker"), keys_of(r)), ("\x0a", names), "listing")


@check("list")
def bucket_list_marker_not_in_list(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    r = ctx.client.list_objects(Bucket=b, Marker="blah")
    eq((r.get("Marker"), keys_of(r)), ("blah", ["foo", "quxx"]), "listing")


@check("list")
def bucket_listv2_startafter_after_list(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo", "quxx"])
    r = ctx.client.list_objects_v2(Bucket=b, StartAfter="zzz")
    eq((r.get("StartAfter"), r["IsTruncated"], keys_of(r)), ("zzz", False, []), "listing")


@check("list")
def bucket_list_return_data(ctx):
    b = ctx.bucket_with(["bar", "baz", "foo"])
    acl = ctx.client.get_object_acl(Bucket=b, Key="bar")
    head = ctx.client.head_object(Bucket=b, Key="bar")
    o = ctx.client.list_objects(Bucket=b)["Contents"][0]
    eq((o["ETag"], o["Size"], o.get("Owner", {}).get("ID"), o.get("Owner", {}).get("DisplayName")), (head["ETag"], 3, acl["Owner"]["ID"], acl["Owner"].get("DisplayName")), "(ETag, Size, Owner.ID, Owner.DisplayName)")
    eq(o["LastModified"].replace(microsecond=0), head["LastModified"], "LastModified (listing vs HEAD, second precision)")


@check("list", "test_bucket_list_unordered (fails_on_aws: RGW extension; AWS ignores allow-unordered)")
def bucket_list_unordered_ignored(ctx):
    keys_in = ["ado", "bot", "cob", "abc/ink", "abc/jet", "def/nim", "xix", "yak"]
    b = ctx.bucket_with(keys_in)
    c = ctx.make_client(ctx.ak, ctx.sk)

    def add(params, **kw):
        params["url"] += "&allow-unordered=true" if "?" in params["url"] else "?allow-unordered=true"

    c.meta.events.register("before-call.s3.ListObjects", add)
    eq(keys_of(c.list_objects(Bucket=b, MaxKeys=1000)), sorted(keys_in), "keys (sorted: parameter ignored)")
    eq(prefixes_of(c.list_objects(Bucket=b, Delimiter="/")), ["abc/", "def/"], "prefixes with a delimiter")


@check("list")
def bucket_list_objects_anonymous(ctx):
    b = ctx.new_bucket()
    ctx.client.put_bucket_acl(Bucket=b, ACL="public-read")
    ctx.anon.list_objects(Bucket=b)
    ctx.anon.list_objects_v2(Bucket=b)


@check("list")
def bucket_list_objects_anonymous_fail(ctx):
    expect_error(ctx.anon.list_objects, 403, "AccessDenied", Bucket=ctx.new_bucket())


@check("list", "(AWS) ListObjectsV2 invalid continuation token")
def bucket_listv2_bad_continuation_token(ctx):
    b = ctx.bucket_with(["a"])
    expect_error(ctx.client.list_objects_v2, 400, "InvalidArgument", Bucket=b, ContinuationToken="not-a-real-token!!")


# ----------------------------------------------------------------------------------------------------------------
# Multi-object delete
# ----------------------------------------------------------------------------------------------------------------


@check("delete")
def multi_object_delete(ctx):
    names = ["key0", "key1", "key2"]
    b = ctx.bucket_with(names)
    objs = {"Objects": [{"Key": k} for k in names]}
    r = ctx.client.delete_objects(Bucket=b, Delete=objs)
    eq((len(r.get("Deleted", [])), "Errors" in r), (3, False), "(deleted, has errors)")
    r = ctx.client.delete_objects(Bucket=b, Delete=objs)
    eq((len(r.get("Deleted", [])), "Errors" in r), (3, False), "second (deleted, has errors)")
    eq(keys_of(ctx.client.list_objects(Bucket=b)), [], "remaining keys")


@check("delete")
def multi_object_delete_key_limit(ctx):
    b = ctx.new_bucket()
    objs = {"Objects": [{"Key": f"key-{i}"} for i in range(1001)]}
    expect_error(ctx.client.delete_objects, 400, None, Bucket=b, Delete=objs)


@check("delete", "(AWS) DeleteObjects Quiet mode")
def multi_object_delete_quiet(ctx):
    b = ctx.bucket_with(["a", "b"])
    r = ctx.client.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}], "Quiet": True})
    eq(r.get("Deleted", []), [], "Deleted entries in quiet mode")


# ----------------------------------------------------------------------------------------------------------------
# Copy
# ----------------------------------------------------------------------------------------------------------------


@check("copy")
def object_copy_zero_size(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo123bar", Body="")
    ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"})
    eq(ctx.client.get_object(Bucket=b, Key="bar321foo")["ContentLength"], 0, "ContentLength")


@check("copy")
def object_copy_same_bucket(ctx):
    b = ctx.bucket_with(["foo123bar"])
    ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"})
    eq(body_of(ctx.client.get_object(Bucket=b, Key="bar321foo")), "foo123bar", "body")


@check("copy")
def object_copy_verify_contenttype(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="x", ContentType="text/bla")
    ctx.client.copy_object(Bucket=b, Key="bar", CopySource={"Bucket": b, "Key": "foo"})
    eq(ctx.client.get_object(Bucket=b, Key="bar")["ContentType"], "text/bla", "ContentType")


@check("copy")
def object_copy_to_itself(ctx):
    b = ctx.bucket_with(["foo123bar"])
    expect_error(ctx.client.copy_object, 400, "InvalidRequest", Bucket=b, Key="foo123bar", CopySource={"Bucket": b, "Key": "foo123bar"})


@check("copy")
def object_copy_to_itself_with_metadata(ctx):
    b = ctx.bucket_with(["foo123bar"])
    ctx.client.copy_object(Bucket=b, Key="foo123bar", CopySource={"Bucket": b, "Key": "foo123bar"}, Metadata={"foo": "bar"}, MetadataDirective="REPLACE")
    eq(ctx.client.get_object(Bucket=b, Key="foo123bar")["Metadata"], {"foo": "bar"}, "Metadata")


@check("copy")
def object_copy_diff_bucket(ctx):
    b1 = ctx.bucket_with(["foo123bar"])
    b2 = ctx.new_bucket()
    ctx.client.copy_object(Bucket=b2, Key="bar321foo", CopySource={"Bucket": b1, "Key": "foo123bar"})
    eq(body_of(ctx.client.get_object(Bucket=b2, Key="bar321foo")), "foo123bar", "body")


@check("copy")
def object_copy_canned_acl(ctx):
    b = ctx.bucket_with(["foo123bar"])
    ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"}, ACL="public-read")
    ctx.anon.head_object(Bucket=b, Key="bar321foo")


@check("copy")
def object_copy_retaining_metadata(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo123bar", Body="x" * 3, ContentType="audio/ogg", Metadata={"key1": "value1", "key2": "value2"})
    ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"})
    r = ctx.client.get_object(Bucket=b, Key="bar321foo")
    eq((r["ContentType"], r["Metadata"], r["ContentLength"]), ("audio/ogg", {"key1": "value1", "key2": "value2"}, 3), "copied attributes")


@check("copy")
def object_copy_replacing_metadata(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo123bar", Body="x", ContentType="audio/ogg", Metadata={"key1": "value1"})
    ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"}, MetadataDirective="REPLACE", ContentType="audio/mpeg", Metadata={"key3": "value3"})
    r = ctx.client.get_object(Bucket=b, Key="bar321foo")
    eq((r["ContentType"], r["Metadata"]), ("audio/mpeg", {"key3": "value3"}), "replaced attributes")


@check("copy")
def object_copy_bucket_not_found(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.copy_object, 404, "NoSuchBucket", Bucket=b, Key="bar321foo", CopySource={"Bucket": ctx.bucket_name(), "Key": "foo123bar"})


@check("copy")
def object_copy_key_not_found(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.copy_object, 404, "NoSuchKey", Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar"})


@check("copy")
def copy_object_ifmatch_good(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")["ETag"]
    ctx.client.copy_object(Bucket=b, Key="bar", CopySource={"Bucket": b, "Key": "foo"}, CopySourceIfMatch=etag)
    eq(body_of(ctx.client.get_object(Bucket=b, Key="bar")), "bar", "body")


@check("copy")
def copy_object_ifmatch_failed(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.client.copy_object, 412, "PreconditionFailed", Bucket=b, Key="bar", CopySource={"Bucket": b, "Key": "foo"}, CopySourceIfMatch="ABCORZ")


@check("copy")
def copy_object_ifnonematch_failed(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="foo", Body="bar")["ETag"]
    expect_error(ctx.client.copy_object, 412, "PreconditionFailed", Bucket=b, Key="bar", CopySource={"Bucket": b, "Key": "foo"}, CopySourceIfNoneMatch=etag)


@check("copy", "test_object_copy_versioned_bucket")
def object_copy_versioned_bucket(ctx):
    b = ctx.new_bucket()
    ctx.client.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    v1 = ctx.client.put_object(Bucket=b, Key="foo123bar", Body="v1")["VersionId"]
    ctx.client.put_object(Bucket=b, Key="foo123bar", Body="v2")
    r = ctx.client.copy_object(Bucket=b, Key="bar321foo", CopySource={"Bucket": b, "Key": "foo123bar", "VersionId": v1})
    truthy(r.get("VersionId"), "copy result has no VersionId")
    eq(r.get("CopySourceVersionId"), v1, "CopySourceVersionId")
    eq(body_of(ctx.client.get_object(Bucket=b, Key="bar321foo")), "v1", "body of copied version")


# ----------------------------------------------------------------------------------------------------------------
# Multipart
# ----------------------------------------------------------------------------------------------------------------


def _mpu(ctx, b, key, sizes, **create_kw):
    c = ctx.client
    uid = c.create_multipart_upload(Bucket=b, Key=key, **create_kw)["UploadId"]
    parts, data = [], b""
    for i, size in enumerate(sizes, start=1):
        chunk = os.urandom(size)
        data += chunk
        etag = c.upload_part(Bucket=b, Key=key, UploadId=uid, PartNumber=i, Body=chunk)["ETag"]
        parts.append({"ETag": etag, "PartNumber": i})
    return uid, data, parts


@check("multipart")
def multipart_upload_empty(ctx):
    b = ctx.new_bucket()
    uid = ctx.client.create_multipart_upload(Bucket=b, Key="mymultipart")["UploadId"]
    expect_error(ctx.client.complete_multipart_upload, 400, "MalformedXML", Bucket=b, Key="mymultipart", UploadId=uid)


@check("multipart")
def multipart_upload_small(ctx):
    b = ctx.new_bucket()
    uid, data, parts = _mpu(ctx, b, "mymultipart", [1])
    ctx.client.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": parts})
    eq(ctx.client.get_object(Bucket=b, Key="mymultipart")["ContentLength"], 1, "ContentLength")


@check("multipart")
def multipart_upload(ctx):
    b = ctx.new_bucket()
    uid, data, parts = _mpu(ctx, b, "mymultipart", [5 * MIB, 5 * MIB, 123], ContentType="text/bla", Metadata={"foo": "bar"})
    r = ctx.client.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": parts})
    md5s = b"".join(hashlib.md5(data[o : o + s]).digest() for o, s in [(0, 5 * MIB), (5 * MIB, 5 * MIB), (10 * MIB, 123)])
    eq(r["ETag"], '"' + hashlib.md5(md5s).hexdigest() + '-3"', "multipart ETag")
    g = ctx.client.get_object(Bucket=b, Key="mymultipart")
    eq((g["ContentType"], g["Metadata"], g["ContentLength"]), ("text/bla", {"foo": "bar"}, len(data)), "attributes")
    eq(g["Body"].read() == data, True, "body equal")
    eq(ctx.client.head_object(Bucket=b, Key="mymultipart", PartNumber=2)["ContentLength"], 5 * MIB, "HEAD partNumber=2 length")


@check("multipart")
def multipart_upload_size_too_small(ctx):
    b = ctx.new_bucket()
    uid, _, parts = _mpu(ctx, b, "mymultipart", [100 * 1024, 100 * 1024])
    expect_error(ctx.client.complete_multipart_upload, 400, "EntityTooSmall", Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": parts})


@check("multipart")
def multipart_upload_incorrect_etag(ctx):
    b = ctx.new_bucket()
    uid, _, _ = _mpu(ctx, b, "mymultipart", [10])
    expect_error(ctx.client.complete_multipart_upload, 400, "InvalidPart", Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": [{"ETag": '"93b885adfe0da089cdf634904fd59f71"', "PartNumber": 1}]})


@check("multipart")
def multipart_upload_missing_part(ctx):
    b = ctx.new_bucket()
    uid, _, parts = _mpu(ctx, b, "mymultipart", [10])
    expect_error(ctx.client.complete_multipart_upload, 400, "InvalidPart", Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": [{"ETag": parts[0]["ETag"], "PartNumber": 9999}]})


@check("multipart", "(AWS) parts out of order")
def multipart_upload_invalid_part_order(ctx):
    b = ctx.new_bucket()
    uid, _, parts = _mpu(ctx, b, "mymultipart", [5 * MIB, 10])
    expect_error(ctx.client.complete_multipart_upload, 400, "InvalidPartOrder", Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": list(reversed(parts))})


@check("multipart")
def abort_multipart_upload(ctx):
    b = ctx.new_bucket()
    uid, _, _ = _mpu(ctx, b, "mymultipart", [10])
    ctx.client.abort_multipart_upload(Bucket=b, Key="mymultipart", UploadId=uid)
    eq(ctx.client.list_multipart_uploads(Bucket=b).get("Uploads", []), [], "uploads after abort")
    expect_error(ctx.client.list_parts, 404, "NoSuchUpload", Bucket=b, Key="mymultipart", UploadId=uid)


@check("multipart")
def abort_multipart_upload_not_found(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.abort_multipart_upload, 404, "NoSuchUpload", Bucket=b, Key="mymultipart", UploadId="56788")


@check("multipart")
def list_multipart_upload(ctx):
    b = ctx.new_bucket()
    u1 = ctx.client.create_multipart_upload(Bucket=b, Key="mymultipart")["UploadId"]
    u2 = ctx.client.create_multipart_upload(Bucket=b, Key="mymultipart")["UploadId"]
    u3 = ctx.client.create_multipart_upload(Bucket=b, Key="mymultipart2")["UploadId"]
    got = sorted(u["UploadId"] for u in ctx.client.list_multipart_uploads(Bucket=b)["Uploads"])
    eq(got, sorted([u1, u2, u3]), "upload ids")


@check("multipart", "test_multipart_upload_list_parts (ListParts pagination)")
def list_parts_pagination(ctx):
    b = ctx.new_bucket()
    uid, _, parts = _mpu(ctx, b, "k", [1, 1, 1])
    r = ctx.client.list_parts(Bucket=b, Key="k", UploadId=uid, MaxParts=2)
    eq(([p["PartNumber"] for p in r["Parts"]], r["IsTruncated"], r.get("NextPartNumberMarker")), ([1, 2], True, 2), "page 1")
    r = ctx.client.list_parts(Bucket=b, Key="k", UploadId=uid, PartNumberMarker=2)
    eq(([p["PartNumber"] for p in r["Parts"]], r["IsTruncated"]), ([3], False), "page 2")


@check("multipart")
def multipart_upload_overwrite_existing_object(ctx):
    b = ctx.bucket_with(["mymultipart"])
    uid, data, parts = _mpu(ctx, b, "mymultipart", [5 * MIB, 7])
    ctx.client.complete_multipart_upload(Bucket=b, Key="mymultipart", UploadId=uid, MultipartUpload={"Parts": parts})
    eq(ctx.client.get_object(Bucket=b, Key="mymultipart")["Body"].read() == data, True, "body replaced")


@check("multipart", "(AWS) part number outside 1..10000")
def multipart_upload_invalid_part_number(ctx):
    b = ctx.new_bucket()
    uid = ctx.client.create_multipart_upload(Bucket=b, Key="k")["UploadId"]
    expect_error(ctx.client.upload_part, 400, "InvalidArgument", Bucket=b, Key="k", UploadId=uid, PartNumber=10001, Body=b"x")


@check("multipart")
def multipart_copy_small(ctx):
    b = ctx.bucket_with(["foo"])
    uid = ctx.client.create_multipart_upload(Bucket=b, Key="dest")["UploadId"]
    r = ctx.client.upload_part_copy(Bucket=b, Key="dest", UploadId=uid, PartNumber=1, CopySource={"Bucket": b, "Key": "foo"}, CopySourceRange="bytes=0-1")
    ctx.client.complete_multipart_upload(Bucket=b, Key="dest", UploadId=uid, MultipartUpload={"Parts": [{"ETag": r["CopyPartResult"]["ETag"], "PartNumber": 1}]})
    eq(body_of(ctx.client.get_object(Bucket=b, Key="dest")), "fo", "body")


@check("multipart")
def multipart_copy_invalid_range(ctx):
    b = ctx.bucket_with(["foo"])
    uid = ctx.client.create_multipart_upload(Bucket=b, Key="dest")["UploadId"]
    try:
        ctx.client.upload_part_copy(Bucket=b, Key="dest", UploadId=uid, PartNumber=1, CopySource={"Bucket": b, "Key": "foo"}, CopySourceRange="bytes=0-21")
        raise Failure("expected 400/416 InvalidRange, got success")
    except ClientError as e:
        truthy(status_of(e) in (400, 416) and code_of(e) == "InvalidRange", f"expected 400/416 InvalidRange, got {status_of(e)} {code_of(e)}")


@check("multipart", "test_multipart_upload_resend_part")
def multipart_upload_resend_part(ctx):
    b = ctx.new_bucket()
    c = ctx.client
    uid = c.create_multipart_upload(Bucket=b, Key="k")["UploadId"]
    c.upload_part(Bucket=b, Key="k", UploadId=uid, PartNumber=1, Body=b"first")
    etag = c.upload_part(Bucket=b, Key="k", UploadId=uid, PartNumber=1, Body=b"second")["ETag"]
    c.complete_multipart_upload(Bucket=b, Key="k", UploadId=uid, MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
    eq(body_of(c.get_object(Bucket=b, Key="k")), "second", "body")


# ----------------------------------------------------------------------------------------------------------------
# Presigned URLs
# ----------------------------------------------------------------------------------------------------------------


def _public_obj(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read")
    ctx.buckets.append(b)
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", ACL="public-read")
    return b


@check("presigned")
def object_raw_get_x_amz_expires_not_expired(ctx):
    b = _public_obj(ctx)
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=100000)
    eq(requests.options(url, verify=ctx.ca).status_code, 400, "OPTIONS on a presigned URL status")
    eq(requests.get(url, verify=ctx.ca).status_code, 200, "GET status")


@check("presigned")
def object_raw_get_x_amz_expires_out_range_zero(ctx):
    b = _public_obj(ctx)
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=0)
    eq(requests.get(url, verify=ctx.ca).status_code, 403, "status")


@check("presigned")
def object_raw_get_x_amz_expires_out_max_range(ctx):
    b = _public_obj(ctx)
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=609901)
    eq(requests.get(url, verify=ctx.ca).status_code, 403, "status")


@check("presigned")
def object_raw_get_x_amz_expires_out_positive_range(ctx):
    b = _public_obj(ctx)
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=-7)
    eq(requests.get(url, verify=ctx.ca).status_code, 403, "status")


@check("presigned")
def object_presigned_put_object_with_acl(ctx):
    b = ctx.new_bucket()
    url = ctx.client.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "foo", "ACL": "private"})
    eq(requests.put(url, data=b"hello world", headers={"x-amz-acl": "private"}, verify=ctx.ca).status_code, 200, "PUT status")
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"})
    r = requests.get(url, verify=ctx.ca)
    eq((r.status_code, r.text), (200, "hello world"), "GET")


@check("presigned")
def object_raw_put_authenticated_expired(ctx):
    b = ctx.bucket_with(["foo"])
    url = ctx.client.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "foo"}, ExpiresIn=-1000)
    eq(requests.put(url, data="foo", verify=ctx.ca).status_code, 403, "status")


@check("presigned", "(AWS) presigned DeleteObject / ListObjectsV2 / HeadBucket")
def presigned_other_operations(ctx):
    b = ctx.bucket_with(["foo"])
    url = ctx.client.generate_presigned_url("list_objects_v2", Params={"Bucket": b})
    eq(requests.get(url, verify=ctx.ca).status_code, 200, "ListObjectsV2")
    url = ctx.client.generate_presigned_url("head_bucket", Params={"Bucket": b})
    eq(requests.head(url, verify=ctx.ca).status_code, 200, "HeadBucket")
    url = ctx.client.generate_presigned_url("delete_object", Params={"Bucket": b, "Key": "foo"})
    eq(requests.delete(url, verify=ctx.ca).status_code, 204, "DeleteObject")


# ----------------------------------------------------------------------------------------------------------------
# ACLs and anonymous access
# ----------------------------------------------------------------------------------------------------------------

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _grants(resp):
    out = []
    for g in resp["Grants"]:
        gr = g["Grantee"]
        out.append((gr.get("Type"), gr.get("ID") or gr.get("URI"), g["Permission"]))
    return sorted(out)


@check("acl")
def bucket_acl_default(ctx):
    b = ctx.new_bucket()
    r = ctx.client.get_bucket_acl(Bucket=b)
    owner = r["Owner"]["ID"]
    eq(_grants(r), [("CanonicalUser", owner, "FULL_CONTROL")], "grants")
    truthy(r["Owner"].get("DisplayName") is not None, "Owner.DisplayName missing")


@check("acl")
def bucket_acl_canned(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read")
    ctx.buckets.append(b)
    r = ctx.client.get_bucket_acl(Bucket=b)
    owner = r["Owner"]["ID"]
    eq(_grants(r), sorted([("CanonicalUser", owner, "FULL_CONTROL"), ("Group", ALL_USERS, "READ")]), "public-read grants")
    ctx.client.put_bucket_acl(Bucket=b, ACL="private")
    eq(_grants(ctx.client.get_bucket_acl(Bucket=b)), [("CanonicalUser", owner, "FULL_CONTROL")], "private grants")


@check("acl")
def bucket_acl_canned_publicreadwrite(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read-write")
    ctx.buckets.append(b)
    r = ctx.client.get_bucket_acl(Bucket=b)
    eq(_grants(r), sorted([("CanonicalUser", r["Owner"]["ID"], "FULL_CONTROL"), ("Group", ALL_USERS, "READ"), ("Group", ALL_USERS, "WRITE")]), "grants")


@check("acl")
def bucket_acl_canned_authenticatedread(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="authenticated-read")
    ctx.buckets.append(b)
    r = ctx.client.get_bucket_acl(Bucket=b)
    eq(_grants(r), sorted([("CanonicalUser", r["Owner"]["ID"], "FULL_CONTROL"), ("Group", AUTH_USERS, "READ")]), "grants")


@check("acl")
def put_bucket_acl_grant_group_read(ctx):
    b = ctx.new_bucket()
    cur = ctx.client.get_bucket_acl(Bucket=b)
    grants = cur["Grants"] + [{"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]
    ctx.client.put_bucket_acl(Bucket=b, AccessControlPolicy={"Grants": grants, "Owner": cur["Owner"]})
    eq(_grants(ctx.client.get_bucket_acl(Bucket=b)), sorted([("CanonicalUser", cur["Owner"]["ID"], "FULL_CONTROL"), ("Group", ALL_USERS, "READ")]), "grants")


@check("acl")
def object_acl_default(ctx):
    b = ctx.bucket_with(["foo"])
    r = ctx.client.get_object_acl(Bucket=b, Key="foo")
    eq(_grants(r), [("CanonicalUser", r["Owner"]["ID"], "FULL_CONTROL")], "grants")


@check("acl")
def object_acl_canned(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(ACL="public-read", Bucket=b, Key="foo", Body="bar")
    r = ctx.client.get_object_acl(Bucket=b, Key="foo")
    owner = r["Owner"]["ID"]
    eq(_grants(r), sorted([("CanonicalUser", owner, "FULL_CONTROL"), ("Group", ALL_USERS, "READ")]), "public-read grants")
    ctx.client.put_object_acl(ACL="private", Bucket=b, Key="foo")
    eq(_grants(ctx.client.get_object_acl(Bucket=b, Key="foo")), [("CanonicalUser", owner, "FULL_CONTROL")], "private grants")


@check("acl")
def object_acl_canned_authenticatedread(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(ACL="authenticated-read", Bucket=b, Key="foo", Body="bar")
    r = ctx.client.get_object_acl(Bucket=b, Key="foo")
    eq(_grants(r), sorted([("CanonicalUser", r["Owner"]["ID"], "FULL_CONTROL"), ("Group", AUTH_USERS, "READ")]), "grants")


@check("acl", "test_object_acl_read etc. (explicit AccessControlPolicy on an object)")
def object_acl_explicit_policy(ctx):
    b = ctx.bucket_with(["foo"])
    r = ctx.client.get_object_acl(Bucket=b, Key="foo")
    pol = {"Owner": r["Owner"], "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": r["Owner"]["ID"]}, "Permission": "READ_ACP"}]}
    ctx.client.put_object_acl(Bucket=b, Key="foo", AccessControlPolicy=pol)
    eq(_grants(ctx.client.get_object_acl(Bucket=b, Key="foo")), [("CanonicalUser", r["Owner"]["ID"], "READ_ACP")], "grants")


@check("acl")
def object_raw_get(ctx):
    b = _public_obj(ctx)
    eq(ctx.anon.get_object(Bucket=b, Key="foo")["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("acl")
def object_raw_get_bucket_acl(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar", ACL="public-read")
    eq(ctx.anon.get_object(Bucket=b, Key="foo")["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("acl")
def object_raw_get_object_acl(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read")
    ctx.buckets.append(b)
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar")
    expect_error(ctx.anon.get_object, 403, "AccessDenied", Bucket=b, Key="foo")


@check("acl")
def object_raw_get_bucket_gone(ctx):
    b = _public_obj(ctx)
    ctx.client.delete_object(Bucket=b, Key="foo")
    ctx.client.delete_bucket(Bucket=b)
    expect_error(ctx.anon.get_object, 404, "NoSuchBucket", Bucket=b, Key="foo")


@check("acl")
def object_raw_get_object_gone(ctx):
    b = _public_obj(ctx)
    ctx.client.delete_object(Bucket=b, Key="foo")
    expect_error(ctx.anon.get_object, 404, "NoSuchKey", Bucket=b, Key="foo")


@check("acl")
def object_anon_put(ctx):
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.anon.put_object, 403, "AccessDenied", Bucket=b, Key="foo", Body="foo")


@check("acl")
def object_anon_put_write_access(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read-write")
    ctx.buckets.append(b)
    eq(ctx.anon.put_object(Bucket=b, Key="foo", Body="foo")["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("acl")
def bucket_acl_grant_nonexist_user(ctx):
    b = ctx.new_bucket()
    cur = ctx.client.get_bucket_acl(Bucket=b)
    grants = cur["Grants"] + [{"Grantee": {"ID": "_foo", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    expect_error(ctx.client.put_bucket_acl, 400, "InvalidArgument", Bucket=b, AccessControlPolicy={"Grants": grants, "Owner": cur["Owner"]})


@check("acl")
def bucket_acl_grant_email_not_exist(ctx):
    b = ctx.new_bucket()
    cur = ctx.client.get_bucket_acl(Bucket=b)
    grants = cur["Grants"] + [{"Grantee": {"EmailAddress": "doesnotexist@dreamhost.com.invalid", "Type": "AmazonCustomerByEmail"}, "Permission": "FULL_CONTROL"}]
    expect_error(ctx.client.put_bucket_acl, 400, "UnresolvableGrantByEmailAddress", Bucket=b, AccessControlPolicy={"Grants": grants, "Owner": cur["Owner"]})


@check("acl")
def bucket_acl_revoke_all(ctx):
    b = ctx.bucket_with(["foo"])
    cur = ctx.client.get_bucket_acl(Bucket=b)
    ctx.client.put_bucket_acl(Bucket=b, AccessControlPolicy={"Owner": cur["Owner"], "Grants": []})
    eq(len(ctx.client.get_bucket_acl(Bucket=b)["Grants"]), 0, "grant count")
    ctx.client.put_bucket_acl(Bucket=b, AccessControlPolicy={"Owner": cur["Owner"], "Grants": cur["Grants"]})


@check("acl")
def bucket_concurrent_set_canned_acl(ctx):
    import threading

    b = ctx.new_bucket()
    results = []

    def go():
        try:
            ctx.make_client(ctx.ak, ctx.sk).put_bucket_acl(Bucket=b, ACL="public-read")
            results.append(True)
        except Exception:
            results.append(False)

    threads = [threading.Thread(target=go) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(results.count(True), 10, "successful concurrent PutBucketAcl calls")


@check("acl", "test_bucket_acl_grant_userid_read (x-amz-grant-* headers)")
def bucket_header_acl_grants(ctx):
    b = ctx.bucket_name()
    c = ctx.client
    owner = None
    c.create_bucket(Bucket=b, GrantRead=f'uri="{ALL_USERS}"')
    ctx.buckets.append(b)
    r = c.get_bucket_acl(Bucket=b)
    owner = r["Owner"]["ID"]
    truthy(("Group", ALL_USERS, "READ") in _grants(r), f"READ for AllUsers missing from {_grants(r)}")


# ----------------------------------------------------------------------------------------------------------------
# Alt user (a second static user): the suite treats it as a different account
# ----------------------------------------------------------------------------------------------------------------


@check("alt-user", "test_bucket_create_exists_nonowner")
def bucket_create_exists_nonowner(ctx):
    if not ctx.alt:
        raise Failure("no alt user configured")
    b = ctx.new_bucket()
    expect_error(ctx.alt.create_bucket, 409, "BucketAlreadyExists", Bucket=b)


@check("alt-user", "test_access_bucket_private_object_private")
def access_bucket_private_object_private(ctx):
    if not ctx.alt:
        raise Failure("no alt user configured")
    b = ctx.bucket_with(["foo"])
    expect_error(ctx.alt.get_object, 403, "AccessDenied", Bucket=b, Key="foo")


@check("alt-user", "(setup) alt user can create and use its own bucket")
def alt_user_own_bucket(ctx):
    if not ctx.alt:
        raise Failure("no alt user configured")
    b = ctx.new_bucket(client=ctx.alt)
    ctx.alt.put_object(Bucket=b, Key="foo", Body="bar")
    eq(body_of(ctx.alt.get_object(Bucket=b, Key="foo")), "bar", "body")


# ----------------------------------------------------------------------------------------------------------------
# CORS
# ----------------------------------------------------------------------------------------------------------------


@check("cors")
def set_cors(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_cors, 404, "NoSuchCORSConfiguration", Bucket=b)
    cfg = {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*.get", "*.put"]}]}
    ctx.client.put_bucket_cors(Bucket=b, CORSConfiguration=cfg)
    r = ctx.client.get_bucket_cors(Bucket=b)
    eq((r["CORSRules"][0]["AllowedMethods"], r["CORSRules"][0]["AllowedOrigins"]), (["GET", "PUT"], ["*.get", "*.put"]), "rule")
    ctx.client.delete_bucket_cors(Bucket=b)
    expect_error(ctx.client.get_bucket_cors, 404, "NoSuchCORSConfiguration", Bucket=b)


def _cors_bucket(ctx, rules):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read")
    ctx.buckets.append(b)
    ctx.client.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": rules})
    return b


@check("cors")
def cors_origin_response(ctx):
    b = _cors_bucket(ctx, [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*suffix"]}, {"AllowedMethods": ["GET"], "AllowedOrigins": ["start*end"]}, {"AllowedMethods": ["GET"], "AllowedOrigins": ["prefix*"]}, {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*.put"]}])
    url = ctx.url(b)
    r = requests.get(url, headers={"Origin": "foo.suffix"}, verify=ctx.ca)
    eq((r.status_code, r.headers.get("access-control-allow-origin"), r.headers.get("access-control-allow-methods")), (200, "foo.suffix", "GET"), "GET with matching origin")
    r = requests.get(url, headers={"Origin": "foo.bar"}, verify=ctx.ca)
    eq((r.status_code, r.headers.get("access-control-allow-origin")), (200, None), "GET with non-matching origin")
    r = requests.options(url, headers={"Origin": "foo.suffix", "Access-Control-Request-Method": "GET"}, verify=ctx.ca)
    eq((r.status_code, r.headers.get("access-control-allow-origin")), (200, "foo.suffix"), "preflight match")
    r = requests.options(url, headers={"Origin": "foo.bar", "Access-Control-Request-Method": "GET"}, verify=ctx.ca)
    eq(r.status_code, 403, "preflight with non-matching origin")
    r = requests.options(url, headers={"Origin": "foo.suffix", "Access-Control-Request-Method": "PUT"}, verify=ctx.ca)
    eq(r.status_code, 403, "preflight with non-matching method")
    r = requests.options(url, headers={"Origin": "foo.suffix"}, verify=ctx.ca)
    eq(r.status_code, 400, "preflight without Access-Control-Request-Method")


@check("cors")
def cors_origin_wildcard(ctx):
    b = _cors_bucket(ctx, [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}])
    r = requests.get(ctx.url(b), headers={"Origin": "example.origin"}, verify=ctx.ca)
    eq((r.status_code, r.headers.get("access-control-allow-origin"), r.headers.get("access-control-allow-methods")), (200, "*", "GET"), "GET")


@check("cors")
def cors_header_option(ctx):
    b = _cors_bucket(ctx, [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": ["x-amz-meta-header1"]}])
    r = requests.options(ctx.url(b, "foo.txt"), headers={"Origin": "example.origin", "Access-Control-Request-Headers": "x-amz-meta-header2", "Access-Control-Request-Method": "GET"}, verify=ctx.ca)
    eq(r.status_code, 403, "preflight with a header not allowed")


@check("cors")
def cors_presigned_get_object(ctx):
    b = _cors_bucket(ctx, [{"AllowedMethods": ["GET"], "AllowedOrigins": ["example"]}])
    ctx.client.put_object(Bucket=b, Key="foo", Body="bar")
    url = ctx.client.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "foo"})
    r = requests.get(url, headers={"Origin": "example"}, verify=ctx.ca)
    eq((r.status_code, r.headers.get("access-control-allow-origin")), (200, "example"), "GET")


# ----------------------------------------------------------------------------------------------------------------
# Tagging
# ----------------------------------------------------------------------------------------------------------------


def _tags(n, klen=None, vlen=None):
    return {"TagSet": [{"Key": (str(i) if klen is None else ("k" * klen)[: klen - len(str(i))] + str(i)), "Value": (str(i) if vlen is None else "v" * vlen)} for i in range(n)]}


@check("tagging", "test_get_obj_tagging / test_put_max_tags")
def put_max_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    ctx.client.put_object_tagging(Bucket=b, Key="testputtags", Tagging=_tags(10))
    eq(len(ctx.client.get_object_tagging(Bucket=b, Key="testputtags")["TagSet"]), 10, "tag count")


@check("tagging")
def put_excess_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    expect_error(ctx.client.put_object_tagging, 400, ("InvalidTag", "BadRequest"), Bucket=b, Key="testputtags", Tagging=_tags(11))
    eq(len(ctx.client.get_object_tagging(Bucket=b, Key="testputtags")["TagSet"]), 0, "tag count after rejection")


@check("tagging")
def put_max_kvsize_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    ctx.client.put_object_tagging(Bucket=b, Key="testputtags", Tagging=_tags(10, 128, 256))
    eq(len(ctx.client.get_object_tagging(Bucket=b, Key="testputtags")["TagSet"]), 10, "tag count")


@check("tagging")
def put_excess_key_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    expect_error(ctx.client.put_object_tagging, 400, "InvalidTag", Bucket=b, Key="testputtags", Tagging=_tags(10, 129, 256))


@check("tagging")
def put_excess_val_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    expect_error(ctx.client.put_object_tagging, 400, "InvalidTag", Bucket=b, Key="testputtags", Tagging=_tags(10, 128, 257))


@check("tagging")
def put_modify_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    ctx.client.put_object_tagging(Bucket=b, Key="testputtags", Tagging={"TagSet": [{"Key": "key", "Value": "val"}, {"Key": "key2", "Value": "val2"}]})
    ctx.client.put_object_tagging(Bucket=b, Key="testputtags", Tagging={"TagSet": [{"Key": "key3", "Value": "val3"}]})
    eq(ctx.client.get_object_tagging(Bucket=b, Key="testputtags")["TagSet"], [{"Key": "key3", "Value": "val3"}], "TagSet")


@check("tagging")
def put_delete_tags(ctx):
    b = ctx.bucket_with(["testputtags"])
    ctx.client.put_object_tagging(Bucket=b, Key="testputtags", Tagging=_tags(2))
    r = ctx.client.delete_object_tagging(Bucket=b, Key="testputtags")
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    eq(ctx.client.get_object_tagging(Bucket=b, Key="testputtags")["TagSet"], [], "TagSet")


@check("tagging")
def put_obj_with_tags(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="testtagobj1", Body="x", Tagging="foo=bar&bar=")
    got = sorted((t["Key"], t["Value"]) for t in ctx.client.get_object_tagging(Bucket=b, Key="testtagobj1")["TagSet"])
    eq(got, [("bar", ""), ("foo", "bar")], "tags")
    eq(ctx.client.get_object(Bucket=b, Key="testtagobj1").get("TagCount"), 2, "x-amz-tagging-count")


@check("tagging", "(AWS) copy with x-amz-tagging-directive REPLACE")
def copy_tagging_directive(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="src", Body="x", Tagging="a=1")
    ctx.client.copy_object(Bucket=b, Key="d1", CopySource={"Bucket": b, "Key": "src"})
    ctx.client.copy_object(Bucket=b, Key="d2", CopySource={"Bucket": b, "Key": "src"}, TaggingDirective="REPLACE", Tagging="b=2")
    eq(ctx.client.get_object_tagging(Bucket=b, Key="d1")["TagSet"], [{"Key": "a", "Value": "1"}], "COPY tags")
    eq(ctx.client.get_object_tagging(Bucket=b, Key="d2")["TagSet"], [{"Key": "b", "Value": "2"}], "REPLACE tags")


@check("tagging", "test_set_bucket_tagging")
def set_bucket_tagging(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_tagging, 404, "NoSuchTagSet", Bucket=b)
    ctx.client.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "Hello", "Value": "World"}]})
    eq(ctx.client.get_bucket_tagging(Bucket=b)["TagSet"], [{"Key": "Hello", "Value": "World"}], "TagSet")
    ctx.client.delete_bucket_tagging(Bucket=b)
    expect_error(ctx.client.get_bucket_tagging, 404, "NoSuchTagSet", Bucket=b)


# ----------------------------------------------------------------------------------------------------------------
# Versioning
# ----------------------------------------------------------------------------------------------------------------


def _versioned(ctx, status="Enabled"):
    b = ctx.new_bucket()
    ctx.client.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": status})
    return b


@check("versioning")
def versioning_bucket_create_suspend(ctx):
    b = ctx.new_bucket()
    truthy("Status" not in ctx.client.get_bucket_versioning(Bucket=b), "new bucket reports a versioning Status")
    for s in ("Suspended", "Enabled", "Enabled", "Suspended"):
        ctx.client.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": s})
        eq(ctx.client.get_bucket_versioning(Bucket=b).get("Status"), s, "Status")


@check("versioning")
def versioning_obj_create_read_remove(ctx):
    b = _versioned(ctx)
    c = ctx.client
    vids = [c.put_object(Bucket=b, Key="testobj", Body=f"content-{i}")["VersionId"] for i in range(3)]
    eq(len(set(vids)), 3, "distinct version ids")
    eq(body_of(c.get_object(Bucket=b, Key="testobj", VersionId=vids[0])), "content-0", "old version body")
    eq(body_of(c.get_object(Bucket=b, Key="testobj")), "content-2", "current body")
    versions = c.list_object_versions(Bucket=b)["Versions"]
    eq([v["VersionId"] for v in versions], list(reversed(vids)), "ListObjectVersions order (newest first)")
    eq([v["IsLatest"] for v in versions], [True, False, False], "IsLatest")
    c.delete_object(Bucket=b, Key="testobj", VersionId=vids[2])
    eq(body_of(c.get_object(Bucket=b, Key="testobj")), "content-1", "body after deleting the newest version")


@check("versioning")
def versioning_obj_create_versions_remove_all(ctx):
    b = _versioned(ctx)
    c = ctx.client
    c.put_object(Bucket=b, Key="k", Body="1")
    r = c.delete_object(Bucket=b, Key="k")
    eq(r.get("DeleteMarker"), True, "x-amz-delete-marker on delete")
    truthy(r.get("VersionId"), "delete marker VersionId missing")
    e = expect_error(c.get_object, 404, "NoSuchKey", Bucket=b, Key="k")
    eq(e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker"), "true", "x-amz-delete-marker on GET of a deleted key")
    lv = c.list_object_versions(Bucket=b)
    eq((len(lv.get("Versions", [])), len(lv.get("DeleteMarkers", []))), (1, 1), "(versions, delete markers)")


@check("versioning")
def versioning_obj_suspend_versions(ctx):
    b = _versioned(ctx, "Suspended")
    c = ctx.client
    r = c.put_object(Bucket=b, Key="k", Body="1")
    eq(r.get("VersionId", "null"), "null", "VersionId in a suspended bucket")
    c.put_object(Bucket=b, Key="k", Body="2")
    lv = c.list_object_versions(Bucket=b)["Versions"]
    eq([v["VersionId"] for v in lv], ["null"], "versions (one null version)")


@check("versioning")
def versioning_obj_plain_null_version_removal(ctx):
    b = ctx.bucket_with(["testobjfoo"])
    ctx.client.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    ctx.client.delete_object(Bucket=b, Key="testobjfoo", VersionId="null")
    expect_error(ctx.client.get_object, 404, "NoSuchKey", Bucket=b, Key="testobjfoo")
    eq(ctx.client.list_object_versions(Bucket=b).get("Versions", []), [], "versions")


@check("versioning", "test_versioning_obj_list_marker")
def versioning_list_markers(ctx):
    b = _versioned(ctx)
    c = ctx.client
    for k in ("a", "b"):
        for i in range(2):
            c.put_object(Bucket=b, Key=k, Body=str(i))
    r = c.list_object_versions(Bucket=b, MaxKeys=3)
    eq((len(r["Versions"]), r["IsTruncated"], r.get("NextKeyMarker")), (3, True, "b"), "page 1")
    r2 = c.list_object_versions(Bucket=b, KeyMarker=r["NextKeyMarker"], VersionIdMarker=r["NextVersionIdMarker"])
    eq((len(r2["Versions"]), r2["IsTruncated"]), (1, False), "page 2")
    eq(c.list_object_versions(Bucket=b, KeyMarker="a")["Versions"][0]["Key"], "b", "KeyMarker without version marker skips the key")


@check("versioning")
def versioning_multi_object_delete_with_marker(ctx):
    b = _versioned(ctx)
    c = ctx.client
    c.put_object(Bucket=b, Key="key", Body="x")
    c.delete_object(Bucket=b, Key="key")
    lv = c.list_object_versions(Bucket=b)
    objs = [{"Key": "key", "VersionId": v["VersionId"]} for v in lv["Versions"] + lv["DeleteMarkers"]]
    r = c.delete_objects(Bucket=b, Delete={"Objects": objs})
    eq(len(r.get("Deleted", [])), 2, "deleted entries")
    truthy(any(d.get("DeleteMarker") for d in r["Deleted"]), "no Deleted entry reports DeleteMarker")
    lv = c.list_object_versions(Bucket=b)
    eq(("Versions" in lv, "DeleteMarkers" in lv), (False, False), "versions / markers left")


@check("versioning")
def versioning_multi_object_delete_with_marker_create(ctx):
    b = _versioned(ctx)
    r = ctx.client.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "test-delete-marker"}]})
    d = r["Deleted"][0]
    eq(d.get("DeleteMarker"), True, "DeleteMarker")
    truthy(d.get("DeleteMarkerVersionId"), "DeleteMarkerVersionId missing")


@check("versioning", "test_versioning_obj_read_not_exist_null")
def versioning_get_null_version_absent(ctx):
    b = _versioned(ctx)
    ctx.client.put_object(Bucket=b, Key="k", Body="x")
    expect_error(ctx.client.get_object, 404, "NoSuchVersion", Bucket=b, Key="k", VersionId="null")


@check("versioning", "(AWS) HEAD of a delete marker by versionId answers 405")
def versioning_head_delete_marker(ctx):
    b = _versioned(ctx)
    ctx.client.put_object(Bucket=b, Key="k", Body="x")
    dm = ctx.client.delete_object(Bucket=b, Key="k")["VersionId"]
    expect_error(ctx.client.head_object, 405, None, Bucket=b, Key="k", VersionId=dm)


@check("versioning", "test_bucket_list_return_data_versioning")
def bucket_list_return_data_versioning(ctx):
    b = _versioned(ctx)
    ctx.client.put_object(Bucket=b, Key="bar", Body="bar")
    h = ctx.client.head_object(Bucket=b, Key="bar")
    v = ctx.client.list_object_versions(Bucket=b)["Versions"][0]
    eq((v["ETag"], v["Size"], v["VersionId"]), (h["ETag"], 3, h["VersionId"]), "(ETag, Size, VersionId)")
    truthy(v.get("Owner", {}).get("ID"), "Owner.ID missing from version entry")


# ----------------------------------------------------------------------------------------------------------------
# Object lock
# ----------------------------------------------------------------------------------------------------------------


def _lock_bucket(ctx):
    return ctx.new_bucket(ObjectLockEnabledForBucket=True)


@check("object-lock")
def object_lock_put_obj_lock(ctx):
    b = _lock_bucket(ctx)
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    ctx.client.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration=conf)
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}}
    ctx.client.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration=conf)
    eq(ctx.client.get_bucket_versioning(Bucket=b).get("Status"), "Enabled", "versioning Status")
    eq(ctx.client.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"], conf, "configuration")


@check("object-lock")
def object_lock_put_obj_lock_invalid_bucket(ctx):
    b = ctx.new_bucket()
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    expect_error(ctx.client.put_object_lock_configuration, 409, "InvalidBucketState", Bucket=b, ObjectLockConfiguration=conf)


@check("object-lock")
def object_lock_put_obj_lock_with_days_and_years(ctx):
    b = _lock_bucket(ctx)
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}}
    expect_error(ctx.client.put_object_lock_configuration, 400, "MalformedXML", Bucket=b, ObjectLockConfiguration=conf)


@check("object-lock")
def object_lock_put_obj_lock_invalid_days(ctx):
    b = _lock_bucket(ctx)
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}
    expect_error(ctx.client.put_object_lock_configuration, 400, "InvalidRetentionPeriod", Bucket=b, ObjectLockConfiguration=conf)


@check("object-lock")
def object_lock_put_obj_lock_invalid_mode(ctx):
    b = _lock_bucket(ctx)
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "abc", "Years": 1}}}
    expect_error(ctx.client.put_object_lock_configuration, 400, "MalformedXML", Bucket=b, ObjectLockConfiguration=conf)


@check("object-lock")
def object_lock_put_obj_lock_invalid_status(ctx):
    b = _lock_bucket(ctx)
    conf = {"ObjectLockEnabled": "Disabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 1}}}
    expect_error(ctx.client.put_object_lock_configuration, 400, "MalformedXML", Bucket=b, ObjectLockConfiguration=conf)


@check("object-lock")
def object_lock_suspend_versioning(ctx):
    b = _lock_bucket(ctx)
    expect_error(ctx.client.put_bucket_versioning, 409, "InvalidBucketState", Bucket=b, VersioningConfiguration={"Status": "Suspended"})


@check("object-lock")
def object_lock_get_obj_lock_invalid_bucket(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_object_lock_configuration, 404, "ObjectLockConfigurationNotFoundError", Bucket=b)


def _retain(days=1, mode="GOVERNANCE"):
    return {"Mode": mode, "RetainUntilDate": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=days)}


@check("object-lock")
def object_lock_put_obj_retention(ctx):
    b = _lock_bucket(ctx)
    vid = ctx.client.put_object(Bucket=b, Key="file1", Body="abc")["VersionId"]
    ret = _retain()
    ctx.client.put_object_retention(Bucket=b, Key="file1", Retention=ret)
    eq(ctx.client.get_object_retention(Bucket=b, Key="file1")["Retention"], ret, "Retention")
    ctx.client.delete_object(Bucket=b, Key="file1", VersionId=vid, BypassGovernanceRetention=True)


@check("object-lock")
def object_lock_put_obj_retention_invalid_bucket(ctx):
    b = ctx.bucket_with(["file1"])
    expect_error(ctx.client.put_object_retention, 400, "InvalidRequest", Bucket=b, Key="file1", Retention=_retain())


@check("object-lock")
def object_lock_put_obj_retention_invalid_mode(ctx):
    b = _lock_bucket(ctx)
    ctx.client.put_object(Bucket=b, Key="file1", Body="abc")
    expect_error(ctx.client.put_object_retention, 400, "MalformedXML", Bucket=b, Key="file1", Retention=_retain(mode="governance"))


@check("object-lock")
def object_lock_get_obj_retention_invalid_bucket(ctx):
    b = ctx.bucket_with(["file1"])
    expect_error(ctx.client.get_object_retention, 400, "InvalidRequest", Bucket=b, Key="file1")


@check("object-lock")
def object_lock_delete_object_with_retention(ctx):
    b = _lock_bucket(ctx)
    vid = ctx.client.put_object(Bucket=b, Key="file1", Body="abc")["VersionId"]
    ctx.client.put_object_retention(Bucket=b, Key="file1", Retention=_retain())
    expect_error(ctx.client.delete_object, 403, "AccessDenied", Bucket=b, Key="file1", VersionId=vid)
    r = ctx.client.delete_object(Bucket=b, Key="file1", VersionId=vid, BypassGovernanceRetention=True)
    eq(r["ResponseMetadata"]["HTTPStatusCode"], 204, "bypass delete status")


@check("object-lock")
def object_lock_put_obj_retention_shorten_period(ctx):
    b = _lock_bucket(ctx)
    ctx.client.put_object(Bucket=b, Key="file1", Body="abc")
    ctx.client.put_object_retention(Bucket=b, Key="file1", Retention=_retain(3))
    expect_error(ctx.client.put_object_retention, 403, "AccessDenied", Bucket=b, Key="file1", Retention=_retain(1))
    ctx.client.put_object_retention(Bucket=b, Key="file1", Retention=_retain(1), BypassGovernanceRetention=True)


@check("object-lock")
def object_lock_put_legal_hold(ctx):
    b = _lock_bucket(ctx)
    vid = ctx.client.put_object(Bucket=b, Key="file1", Body="abc")["VersionId"]
    ctx.client.put_object_legal_hold(Bucket=b, Key="file1", LegalHold={"Status": "ON"})
    eq(ctx.client.get_object_legal_hold(Bucket=b, Key="file1")["LegalHold"], {"Status": "ON"}, "LegalHold")
    expect_error(ctx.client.delete_object, 403, "AccessDenied", Bucket=b, Key="file1", VersionId=vid)
    ctx.client.put_object_legal_hold(Bucket=b, Key="file1", LegalHold={"Status": "OFF"})


@check("object-lock")
def object_lock_put_legal_hold_invalid_status(ctx):
    b = _lock_bucket(ctx)
    ctx.client.put_object(Bucket=b, Key="file1", Body="abc")
    expect_error(ctx.client.put_object_legal_hold, 400, "MalformedXML", Bucket=b, Key="file1", LegalHold={"Status": "abc"})


@check("object-lock")
def object_lock_put_legal_hold_invalid_bucket(ctx):
    b = ctx.bucket_with(["file1"])
    expect_error(ctx.client.put_object_legal_hold, 400, "InvalidRequest", Bucket=b, Key="file1", LegalHold={"Status": "ON"})


@check("object-lock")
def object_lock_uploading_obj(ctx):
    b = _lock_bucket(ctx)
    until = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    ctx.client.put_object(Bucket=b, Key="file1", Body="abc", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="OFF")
    h = ctx.client.head_object(Bucket=b, Key="file1")
    eq((h.get("ObjectLockMode"), h.get("ObjectLockRetainUntilDate"), h.get("ObjectLockLegalHoldStatus")), ("GOVERNANCE", until, "OFF"), "lock headers")


@check("object-lock")
def object_lock_changing_mode_from_compliance(ctx):
    b = _lock_bucket(ctx)
    ctx.client.put_object(Bucket=b, Key="file1", Body="abc")
    ctx.client.put_object_retention(Bucket=b, Key="file1", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)})
    expect_error(ctx.client.put_object_retention, 403, "AccessDenied", Bucket=b, Key="file1", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)})


# ----------------------------------------------------------------------------------------------------------------
# Checksums and GetObjectAttributes
# ----------------------------------------------------------------------------------------------------------------


@check("checksum", "test_object_checksum_sha256")
def object_checksum_sha256(ctx):
    b = ctx.new_bucket()
    body = b"I am a body"
    good = base64.b64encode(hashlib.sha256(body).digest()).decode()
    ctx.client.put_object(Bucket=b, Key="k", Body=body, ChecksumAlgorithm="SHA256", ChecksumSHA256=good)
    h = ctx.client.head_object(Bucket=b, Key="k", ChecksumMode="ENABLED")
    eq(h.get("ChecksumSHA256"), good, "ChecksumSHA256 on HEAD")
    bad = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    expect_error(ctx.client.put_object, 400, ("BadDigest", "InvalidRequest"), Bucket=b, Key="k2", Body=body, ChecksumAlgorithm="SHA256", ChecksumSHA256=bad)


@check("checksum", "test_multipart_checksum_sha256")
def multipart_checksum_sha256(ctx):
    b = ctx.new_bucket()
    c = ctx.client
    uid = c.create_multipart_upload(Bucket=b, Key="k", ChecksumAlgorithm="SHA256")["UploadId"]
    parts = []
    for i, chunk in enumerate([os.urandom(5 * MIB), b"tail"], start=1):
        r = c.upload_part(Bucket=b, Key="k", UploadId=uid, PartNumber=i, Body=chunk, ChecksumAlgorithm="SHA256")
        parts.append({"ETag": r["ETag"], "PartNumber": i, "ChecksumSHA256": r["ChecksumSHA256"]})
    r = c.complete_multipart_upload(Bucket=b, Key="k", UploadId=uid, MultipartUpload={"Parts": parts})
    truthy((r.get("ChecksumSHA256") or "").endswith("-2"), f"composite ChecksumSHA256 on complete: {r.get('ChecksumSHA256')!r}")
    h = c.head_object(Bucket=b, Key="k", ChecksumMode="ENABLED")
    eq(h.get("ChecksumSHA256"), r.get("ChecksumSHA256"), "ChecksumSHA256 on HEAD")


@check("checksum", "test_get_object_attributes")
def get_object_attributes(ctx):
    b = ctx.new_bucket()
    etag = ctx.client.put_object(Bucket=b, Key="k", Body="hello")["ETag"]
    r = ctx.client.get_object_attributes(Bucket=b, Key="k", ObjectAttributes=["ETag", "ObjectSize", "StorageClass"])
    eq((r.get("ETag"), r.get("ObjectSize"), r.get("StorageClass")), (etag.strip('"'), 5, "STANDARD"), "(ETag, ObjectSize, StorageClass)")


@check("checksum", "test_get_multipart_object_attributes")
def get_multipart_object_attributes(ctx):
    b = ctx.new_bucket()
    uid, _, parts = _mpu(ctx, b, "k", [5 * MIB, 10])
    ctx.client.complete_multipart_upload(Bucket=b, Key="k", UploadId=uid, MultipartUpload={"Parts": parts})
    r = ctx.client.get_object_attributes(Bucket=b, Key="k", ObjectAttributes=["ObjectParts", "ObjectSize"])
    eq((r.get("ObjectParts", {}).get("TotalPartsCount"), r.get("ObjectSize")), (2, 5 * MIB + 10), "(TotalPartsCount, ObjectSize)")


# ----------------------------------------------------------------------------------------------------------------
# Encryption
# ----------------------------------------------------------------------------------------------------------------

SSE_C_KEY = "pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs="


def _ssec():
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64decode(SSE_C_KEY)}


@check("encryption", "test_encrypted_transfer_1kb")
def encrypted_transfer_sse_c(ctx):
    b = ctx.new_bucket()
    data = os.urandom(1024)
    ctx.client.put_object(Bucket=b, Key="testobj", Body=data, **_ssec())
    r = ctx.client.get_object(Bucket=b, Key="testobj", **_ssec())
    eq(r["Body"].read() == data, True, "body round-trips")
    eq(r.get("SSECustomerAlgorithm"), "AES256", "SSECustomerAlgorithm echo")


@check("encryption", "test_encryption_sse_c_present")
def encryption_sse_c_present(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="testobj", Body="x" * 100, **_ssec())
    expect_error(ctx.client.get_object, 400, "InvalidRequest", Bucket=b, Key="testobj")


@check("encryption", "test_encryption_sse_c_other_key")
def encryption_sse_c_other_key(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="testobj", Body="x" * 100, **_ssec())
    other = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": os.urandom(32)}
    expect_error(ctx.client.get_object, 403, "AccessDenied", Bucket=b, Key="testobj", **other)


@check("encryption", "test_encryption_sse_c_range")
def encryption_sse_c_range(ctx):
    b = ctx.new_bucket()
    data = os.urandom(100000)
    ctx.client.put_object(Bucket=b, Key="testobj", Body=data, **_ssec())
    r = ctx.client.get_object(Bucket=b, Key="testobj", Range="bytes=5000-60000", **_ssec())
    eq(r["Body"].read() == data[5000:60001], True, "ranged body equal")


@check("encryption", "test_sse_s3_default_upload_1b (sse_s3)")
def sse_s3_put(ctx):
    b = ctx.new_bucket()
    r = ctx.client.put_object(Bucket=b, Key="k", Body="hello", ServerSideEncryption="AES256")
    eq(r.get("ServerSideEncryption"), "AES256", "ServerSideEncryption on PUT")
    g = ctx.client.get_object(Bucket=b, Key="k")
    eq((g.get("ServerSideEncryption"), body_of(g)), ("AES256", "hello"), "GET")


@check("encryption", "test_put_bucket_encryption_s3 / test_get_bucket_encryption_s3")
def bucket_encryption_default(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_encryption, 404, "ServerSideEncryptionConfigurationNotFoundError", Bucket=b)
    rule = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    ctx.client.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration=rule)
    got = ctx.client.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    eq(got, "AES256", "SSEAlgorithm")
    eq(ctx.client.put_object(Bucket=b, Key="k", Body="x").get("ServerSideEncryption"), "AES256", "default encryption applied on PUT")
    ctx.client.delete_bucket_encryption(Bucket=b)
    expect_error(ctx.client.get_bucket_encryption, 404, "ServerSideEncryptionConfigurationNotFoundError", Bucket=b)


# ----------------------------------------------------------------------------------------------------------------
# Browser POST
# ----------------------------------------------------------------------------------------------------------------


def _v2_post_fields(ctx, bucket, conditions, expires_in=6000, **extra):
    exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = {"expiration": exp, "conditions": conditions}
    policy = base64.b64encode(json.dumps(doc).encode())
    sig = base64.b64encode(hmac.new(ctx.sk.encode(), policy, hashlib.sha1).digest())
    fields = OrderedDict([("key", "foo.txt"), ("AWSAccessKeyId", ctx.ak), ("acl", "private"), ("signature", sig), ("policy", policy), ("Content-Type", "text/plain")])
    fields.update(extra)
    fields["file"] = "bar"
    return fields


def _std_conditions(bucket, max_len=1024):
    return [{"bucket": bucket}, ["starts-with", "$key", "foo"], {"acl": "private"}, ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, max_len]]


@check("post-object", "test_post_object_authenticated_request (SigV4 form via boto3)")
def post_object_sigv4(ctx):
    b = ctx.new_bucket()
    p = ctx.client.generate_presigned_post(b, "foo.txt", Fields={"Content-Type": "text/plain"}, Conditions=[["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, 1024]], ExpiresIn=600)
    r = requests.post(p["url"], data=p["fields"], files={"file": ("foo.txt", b"bar")}, verify=ctx.ca)
    eq(r.status_code, 204, "status")
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo.txt")), "bar", "body")


@check("post-object", "test_post_object_set_success_code (SigV4 form)")
def post_object_sigv4_success_201(ctx):
    b = ctx.new_bucket()
    p = ctx.client.generate_presigned_post(b, "foo.txt", Fields={"success_action_status": "201"}, Conditions=[{"success_action_status": "201"}], ExpiresIn=600)
    r = requests.post(p["url"], data=p["fields"], files={"file": ("foo.txt", b"bar")}, verify=ctx.ca)
    import xml.etree.ElementTree as ET

    eq(r.status_code, 201, "status")
    eq(ET.fromstring(r.content).find("Key").text, "foo.txt", "Key in PostResponse")


@check("post-object", "(AWS) SigV4 POST with body over content-length-range")
def post_object_sigv4_too_large(ctx):
    b = ctx.new_bucket()
    p = ctx.client.generate_presigned_post(b, "foo.txt", Conditions=[["content-length-range", 0, 2]], ExpiresIn=600)
    r = requests.post(p["url"], data=p["fields"], files={"file": ("foo.txt", b"bar")}, verify=ctx.ca)
    eq(r.status_code, 400, "status")


@check("post-object")
def post_object_anonymous_request(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read-write")
    ctx.buckets.append(b)
    payload = OrderedDict([("key", "foo.txt"), ("acl", "public-read"), ("Content-Type", "text/plain"), ("file", ("bar"))])
    r = requests.post(ctx.url(b), files=payload, verify=ctx.ca)
    eq(r.status_code, 204, "status")


@check("post-object", "test_post_object_authenticated_request (SigV2 form, as the suite sends it)")
def post_object_authenticated_request(ctx):
    b = ctx.new_bucket()
    r = requests.post(ctx.url(b), files=_v2_post_fields(ctx, b, _std_conditions(b)), verify=ctx.ca)
    eq(r.status_code, 204, "status")
    eq(body_of(ctx.client.get_object(Bucket=b, Key="foo.txt")), "bar", "body")


@check("post-object")
def post_object_invalid_signature(ctx):
    b = ctx.new_bucket()
    f = _v2_post_fields(ctx, b, _std_conditions(b))
    f["signature"] = f["signature"][::-1]
    eq(requests.post(ctx.url(b), files=f, verify=ctx.ca).status_code, 403, "status")


@check("post-object")
def post_object_expired_policy(ctx):
    b = ctx.new_bucket()
    f = _v2_post_fields(ctx, b, _std_conditions(b), expires_in=-6000)
    eq(requests.post(ctx.url(b), files=f, verify=ctx.ca).status_code, 403, "status")


@check("post-object")
def post_object_upload_size_limit_exceeded(ctx):
    b = ctx.new_bucket()
    f = _v2_post_fields(ctx, b, _std_conditions(b, 0))
    eq(requests.post(ctx.url(b), files=f, verify=ctx.ca).status_code, 400, "status")


@check("post-object")
def post_object_missing_policy_condition(ctx):
    b = ctx.new_bucket()
    conds = _std_conditions(b)[1:]
    eq(requests.post(ctx.url(b), files=_v2_post_fields(ctx, b, conds), verify=ctx.ca).status_code, 403, "status")


# ----------------------------------------------------------------------------------------------------------------
# Lifecycle configuration
# ----------------------------------------------------------------------------------------------------------------


def _lc(ctx, b, rules):
    return ctx.client.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": rules})


@check("lifecycle", "test_lifecycle_get / test_lifecycle_set")
def lifecycle_set_get(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_lifecycle_configuration, 404, "NoSuchLifecycleConfiguration", Bucket=b)
    rules = [{"ID": "test1/", "Expiration": {"Days": 31}, "Prefix": "test1/", "Status": "Enabled"}, {"ID": "test2/", "Expiration": {"Days": 120}, "Prefix": "test2/", "Status": "Disabled"}]
    _lc(ctx, b, rules)
    got = ctx.client.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
    eq([(r["ID"], r["Expiration"]["Days"], r["Status"]) for r in got], [("test1/", 31, "Enabled"), ("test2/", 120, "Disabled")], "rules")
    ctx.client.delete_bucket_lifecycle(Bucket=b)
    expect_error(ctx.client.get_bucket_lifecycle_configuration, 404, "NoSuchLifecycleConfiguration", Bucket=b)


@check("lifecycle")
def lifecycle_id_too_long(ctx):
    b = ctx.new_bucket()
    expect_error(_lc, 400, "InvalidArgument", ctx, b, [{"ID": "a" * 256, "Expiration": {"Days": 2}, "Prefix": "test1/", "Status": "Enabled"}])


@check("lifecycle")
def lifecycle_same_id(ctx):
    b = ctx.new_bucket()
    rules = [{"ID": "rule1", "Expiration": {"Days": 1}, "Prefix": "test1/", "Status": "Enabled"}, {"ID": "rule1", "Expiration": {"Days": 2}, "Prefix": "test2/", "Status": "Enabled"}]
    expect_error(_lc, 400, "InvalidArgument", ctx, b, rules)


@check("lifecycle")
def lifecycle_invalid_status(ctx):
    b = ctx.new_bucket()
    expect_error(_lc, 400, "MalformedXML", ctx, b, [{"ID": "rule1", "Expiration": {"Days": 2}, "Prefix": "test1/", "Status": "enabled"}])


@check("lifecycle", "test_lifecycle_set_invalid_date")
def lifecycle_set_invalid_date(ctx):
    b = ctx.new_bucket()
    c = ctx.make_client(ctx.ak, ctx.sk)

    def fix(params, **kw):
        body = params["body"]
        body = body if isinstance(body, bytes) else body.encode()
        params["body"] = body.replace(b"<Days>2</Days>", b"<Date>20200101</Date>")
        for h in [h for h in params["headers"] if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum-")]:
            del params["headers"][h]
        params["headers"]["Content-MD5"] = base64.b64encode(hashlib.md5(params["body"]).digest()).decode()

    c.meta.events.register("before-call.s3.PutBucketLifecycleConfiguration", fix)
    expect_error(c.put_bucket_lifecycle_configuration, 400, ("InvalidArgument", "MalformedXML"), Bucket=b, LifecycleConfiguration={"Rules": [{"ID": "r", "Expiration": {"Days": 2}, "Filter": {"Prefix": ""}, "Status": "Enabled"}]})


@check("lifecycle", "test_lifecycle_expiration_days0")
def lifecycle_expiration_days0(ctx):
    b = ctx.new_bucket()
    expect_error(_lc, 400, "InvalidArgument", ctx, b, [{"ID": "r", "Expiration": {"Days": 0}, "Filter": {"Prefix": "days0/"}, "Status": "Enabled"}])


@check("lifecycle")
def lifecycle_set_noncurrent(ctx):
    b = ctx.new_bucket()
    rules = [{"ID": "rule1", "NoncurrentVersionExpiration": {"NoncurrentDays": 2}, "Prefix": "past/", "Status": "Enabled"}, {"ID": "rule2", "NoncurrentVersionExpiration": {"NoncurrentDays": 3}, "Prefix": "future/", "Status": "Enabled"}]
    eq(_lc(ctx, b, rules)["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("lifecycle")
def lifecycle_set_multipart(ctx):
    b = ctx.new_bucket()
    rules = [{"ID": "rule1", "Prefix": "test1/", "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}}]
    eq(_lc(ctx, b, rules)["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


@check("lifecycle")
def lifecycle_set_filter(ctx):
    b = ctx.new_bucket()
    rules = [{"ID": "rule1", "Expiration": {"Days": 2}, "Filter": {"And": {"Prefix": "foo", "Tags": [{"Key": "k", "Value": "v"}]}}, "Status": "Enabled"}]
    _lc(ctx, b, rules)
    got = ctx.client.get_bucket_lifecycle_configuration(Bucket=b)["Rules"][0]["Filter"]
    eq(got, rules[0]["Filter"], "Filter round trip")


@check("lifecycle", "test_lifecycle_set_date")
def lifecycle_set_date(ctx):
    b = ctx.new_bucket()
    rules = [{"ID": "rule1", "Expiration": {"Date": datetime.datetime(2030, 10, 10, tzinfo=datetime.timezone.utc)}, "Prefix": "test1/", "Status": "Enabled"}]
    eq(_lc(ctx, b, rules)["ResponseMetadata"]["HTTPStatusCode"], 200, "status")


# ----------------------------------------------------------------------------------------------------------------
# Bucket policy, public access block, ownership controls
# ----------------------------------------------------------------------------------------------------------------


def _policy(b, action="s3:ListBucket", resource=None, effect="Allow", principal="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Principal": principal, "Action": action, "Resource": resource or [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]}]})


@check("bucket-policy", "test_bucket_policy")
def bucket_policy(ctx):
    b = ctx.bucket_with(["asdf"])
    ctx.client.put_bucket_policy(Bucket=b, Policy=_policy(b))
    eq(len(ctx.anon.list_objects(Bucket=b)["Contents"]), 1, "anonymous listing size")


@check("bucket-policy", "test_bucketv2_policy")
def bucketv2_policy(ctx):
    b = ctx.bucket_with(["asdf"])
    ctx.client.put_bucket_policy(Bucket=b, Policy=_policy(b))
    eq(len(ctx.anon.list_objects_v2(Bucket=b)["Contents"]), 1, "anonymous listing size")


@check("bucket-policy", "test_get_bucket_policy / test_delete_bucket_policy")
def bucket_policy_get_delete(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=b)
    ctx.client.put_bucket_policy(Bucket=b, Policy=_policy(b))
    eq(json.loads(ctx.client.get_bucket_policy(Bucket=b)["Policy"]), json.loads(_policy(b)), "Policy round trip")
    eq(ctx.client.delete_bucket_policy(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"], 204, "delete status")
    expect_error(ctx.client.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=b)


@check("bucket-policy", "(AWS) malformed policy document")
def bucket_policy_malformed(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.put_bucket_policy, 400, "MalformedPolicy", Bucket=b, Policy="{not json")


@check("bucket-policy", "test_bucket_policy_deny_self / explicit deny")
def bucket_policy_explicit_deny(ctx):
    if not ctx.alt:
        raise Failure("no alt user configured")
    b = ctx.bucket_with(["foo"])
    ctx.client.put_bucket_policy(Bucket=b, Policy=_policy(b, action="s3:GetObject", effect="Deny", principal={"AWS": "*"}, resource=f"arn:aws:s3:::{b}/*"))
    expect_error(ctx.alt.get_object, 403, "AccessDenied", Bucket=b, Key="foo")


@check("bucket-policy", "test_get_public_policy_status / test_get_nonpublicpolicy_acl_bucket_policy_status")
def bucket_policy_status(ctx):
    b = ctx.new_bucket()
    ctx.client.put_bucket_policy(Bucket=b, Policy=_policy(b))
    eq(ctx.client.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"], True, "IsPublic")


@check("bucket-policy", "test_bucket_policy_get_obj_existing_tag (s3:ExistingObjectTag condition)")
def bucket_policy_existing_object_tag(ctx):
    b = ctx.new_bucket()
    ctx.client.put_object(Bucket=b, Key="publictag", Body="x", Tagging="security=public")
    ctx.client.put_object(Bucket=b, Key="privatetag", Body="x", Tagging="security=private")
    pol = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}}}]})
    ctx.client.put_bucket_policy(Bucket=b, Policy=pol)
    eq(ctx.anon.get_object(Bucket=b, Key="publictag")["ResponseMetadata"]["HTTPStatusCode"], 200, "tagged public object")
    expect_error(ctx.anon.get_object, 403, "AccessDenied", Bucket=b, Key="privatetag")


@check("public-access-block", "test_get_default_public_block / test_put_public_block")
def public_block_put_get(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_public_access_block, 404, "NoSuchPublicAccessBlockConfiguration", Bucket=b)
    conf = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
    ctx.client.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration=conf)
    eq(ctx.client.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"], conf, "configuration")
    ctx.client.delete_public_access_block(Bucket=b)
    expect_error(ctx.client.get_public_access_block, 404, "NoSuchPublicAccessBlockConfiguration", Bucket=b)


@check("public-access-block")
def block_public_put_bucket_acls(ctx):
    b = ctx.new_bucket()
    ctx.client.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    expect_error(ctx.client.put_bucket_acl, 403, "AccessDenied", Bucket=b, ACL="public-read")
    expect_error(ctx.client.put_object, 403, "AccessDenied", Bucket=b, Key="k", Body="x", ACL="public-read")


@check("public-access-block")
def block_public_policy(ctx):
    b = ctx.new_bucket()
    ctx.client.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
    expect_error(ctx.client.put_bucket_policy, 403, "AccessDenied", Bucket=b, Policy=_policy(b))


@check("public-access-block")
def ignore_public_acls(ctx):
    b = ctx.bucket_name()
    ctx.client.create_bucket(Bucket=b, ACL="public-read")
    ctx.buckets.append(b)
    ctx.client.put_object(Bucket=b, Key="k", Body="x", ACL="public-read")
    ctx.anon.get_object(Bucket=b, Key="k")
    ctx.client.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    expect_error(ctx.anon.get_object, 403, "AccessDenied", Bucket=b, Key="k")


@check("ownership", "test_create_bucket_bucket_owner_enforced / test_put_bucket_ownership_bucket_owner_enforced")
def ownership_controls(ctx):
    b = ctx.new_bucket()
    ctx.client.put_bucket_ownership_controls(Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    eq(ctx.client.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"][0]["ObjectOwnership"], "BucketOwnerEnforced", "ObjectOwnership")
    expect_error(ctx.client.put_bucket_acl, 400, "AccessControlListNotSupported", Bucket=b, ACL="public-read")
    ctx.client.delete_bucket_ownership_controls(Bucket=b)
    expect_error(ctx.client.get_bucket_ownership_controls, 404, "OwnershipControlsNotFoundError", Bucket=b)


@check("ownership", "test_create_bucket_with_ownership (x-amz-object-ownership on create)")
def create_bucket_with_ownership(ctx):
    b = ctx.new_bucket(ObjectOwnership="BucketOwnerEnforced")
    eq(ctx.client.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"][0]["ObjectOwnership"], "BucketOwnerEnforced", "ObjectOwnership")


# ----------------------------------------------------------------------------------------------------------------
# Unimplemented areas answer 501 in S3 XML
# ----------------------------------------------------------------------------------------------------------------


@check("not-implemented", "(issue 5) website config answers NotImplemented")
def website_not_implemented(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.get_bucket_website, 501, "NotImplemented", Bucket=b)


@check("not-implemented", "(issue 5) bucket logging answers NotImplemented")
def logging_not_implemented(ctx):
    b = ctx.new_bucket()
    expect_error(ctx.client.put_bucket_logging, 501, "NotImplemented", Bucket=b, BucketLoggingStatus={})


# ----------------------------------------------------------------------------------------------------------------


def main():
    endpoint, ca = sys.argv[1], sys.argv[2]
    urllib3.disable_warnings()
    ctx = Ctx(endpoint, ca)
    only = os.environ.get("PROBE_ONLY")
    results = {}
    by_area = {}
    started = time.time()
    for name, area, suite_test, fn in CHECKS:
        if only and only not in name:
            continue
        try:
            fn(ctx)
            ok, msg = True, ""
        except Failure as e:
            ok, msg = False, str(e)
        except ClientError as e:
            ok, msg = False, f"unexpected error {status_of(e)} {code_of(e)}: {e.response.get('Error', {}).get('Message')}"
        except Exception as e:  # noqa: BLE001 - a crash in one check must not stop the run
            ok, msg = False, f"exception {type(e).__name__}: {e}" + ("\n" + traceback.format_exc() if os.environ.get("PROBE_TRACE") else "")
        results[name] = (ok, msg, area, suite_test)
        a = by_area.setdefault(area, {"passed": 0, "failed": 0})
        a["passed" if ok else "failed"] += 1
        print(("PASS " if ok else "FAIL ") + name + ("" if ok else f" [{suite_test}]: {msg}"), file=sys.stderr, flush=True)
    ctx.cleanup()
    passed = sum(1 for r in results.values() if r[0])
    summary = {
        "passed": passed,
        "failed": len(results) - passed,
        "total": len(results),
        "seconds": round(time.time() - started, 1),
        "by_area": by_area,
        "failures": {n: {"area": r[2], "suite_test": r[3], "message": r[1]} for n, r in results.items() if not r[0]},
    }
    print(json.dumps(summary, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

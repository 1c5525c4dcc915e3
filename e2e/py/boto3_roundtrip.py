"""boto3 round trip against a running Keyless server; prints one JSON object with the results.

Usage: python3 boto3_roundtrip.py ENDPOINT CA_PEM WORKDIR
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the CA is passed explicitly via
verify= because the surrounding environment points AWS_CA_BUNDLE at the system bundle.
"""
import hashlib
import json
import os
import sys

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    endpoint, ca, work = sys.argv[1], sys.argv[2], sys.argv[3]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        verify=ca,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    result = {"botocore": botocore.__version__}
    bucket = "boto3-e2e"
    s3.create_bucket(Bucket=bucket)

    body = os.urandom(300_000)
    put = s3.put_object(Bucket=bucket, Key="small/obj.bin", Body=body, Metadata={"k": "v"})
    got = s3.get_object(Bucket=bucket, Key="small/obj.bin")
    result["put_etag"] = put["ETag"]
    result["put_md5"] = hashlib.md5(body).hexdigest()
    result["get_equal"] = got["Body"].read() == body
    result["get_metadata"] = got["Metadata"]

    big_path = os.path.join(work, "big.bin")
    with open(big_path, "wb") as f:
        f.write(os.urandom(12 * 1024 * 1024 + 321))
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
    s3.upload_file(big_path, bucket, "big/obj.bin", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="big/obj.bin")
    result["big_etag"] = head["ETag"]
    result["big_size"] = head["ContentLength"]
    down_path = os.path.join(work, "big.down")
    s3.download_file(bucket, "big/obj.bin", down_path, Config=cfg)
    result["big_equal"] = sha256_file(big_path) == sha256_file(down_path)

    listed = s3.list_objects_v2(Bucket=bucket)
    result["list_keys"] = [o["Key"] for o in listed.get("Contents", [])]
    result["list_delim"] = [p["Prefix"] for p in s3.list_objects_v2(Bucket=bucket, Delimiter="/").get("CommonPrefixes", [])]

    try:
        s3.get_object(Bucket=bucket, Key="missing")
        result["missing_error"] = None
    except ClientError as e:
        result["missing_error"] = e.response["Error"]["Code"]
        result["missing_status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]

    s3.delete_object(Bucket=bucket, Key="small/obj.bin")
    s3.delete_object(Bucket=bucket, Key="big/obj.bin")
    result["after_delete_count"] = s3.list_objects_v2(Bucket=bucket)["KeyCount"]
    s3.delete_bucket(Bucket=bucket)
    result["buckets_after"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    print(json.dumps(result))


if __name__ == "__main__":
    main()

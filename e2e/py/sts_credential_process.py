"""boto3 with a `credential_process` profile that runs `keyless credentials` (certificate STS).

Usage: python3 sts_credential_process.py PROFILE ENDPOINT CA_PEM BUCKET ALLOWED_KEY DENIED_KEY
The profile comes from AWS_CONFIG_FILE; no static credentials may be in the environment. Prints
one JSON object: the caller ARN, the access key boto3 received, the allowed round trip, and the
error code of the write outside the policy.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main():
    profile, endpoint, ca, bucket, allowed, denied = sys.argv[1:7]
    session = boto3.Session(profile_name=profile)
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    s3 = session.client("s3", endpoint_url=endpoint, verify=ca, config=config)
    sts = session.client("sts", endpoint_url=endpoint, verify=ca, config=config)
    frozen = session.get_credentials().get_frozen_credentials()
    result = {
        "access_key": frozen.access_key,
        "has_token": bool(frozen.token),
        "arn": sts.get_caller_identity()["Arn"],
    }
    s3.put_object(Bucket=bucket, Key=allowed, Body=b"from boto3")
    result["allowed_body"] = s3.get_object(Bucket=bucket, Key=allowed)["Body"].read().decode()
    try:
        s3.put_object(Bucket=bucket, Key=denied, Body=b"nope")
        result["denied_code"] = None
    except ClientError as err:
        result["denied_code"] = err.response["Error"]["Code"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()

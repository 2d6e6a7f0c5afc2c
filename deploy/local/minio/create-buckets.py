"""Creates the tuneloop buckets that do not exist yet on an S3 endpoint (the local MinIO).

Run by deploy/local/tuneloop up with the Python of the cached MLflow virtualenv, which has boto3
(MLflow needs it for its S3 artifact store), so the stack needs no separate S3 client such as mc.
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Running it again is harmless.

Usage: python create-buckets.py ENDPOINT_URL BUCKETS_FILE
"""

import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def read_buckets(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def main():
    if len(sys.argv) != 3:
        print("usage: create-buckets.py ENDPOINT_URL BUCKETS_FILE", file=sys.stderr)
        return 2
    endpoint, buckets_file = sys.argv[1], sys.argv[2]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )
    wanted = read_buckets(buckets_file)
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    created = 0
    for bucket in wanted:
        if bucket in existing:
            continue
        try:
            s3.create_bucket(Bucket=bucket)
            created += 1
        except ClientError as e:
            # Another `up` may have created it since the listing: that is fine.
            if e.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
    print(f"buckets: {len(wanted)} wanted, {len(wanted) - created} already there, {created} created")
    return 0


if __name__ == "__main__":
    sys.exit(main())

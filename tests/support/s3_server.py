"""A real S3 protocol peer for the tests: moto's server mode (an HTTP server on 127.0.0.1, a port of its
own), which boto3 and django-storages talk to as they would to Amazon S3 or MinIO, and which another process
reaches at the same address. Chorus is configured for it exactly as README "Running in production" says."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

BUCKET = "chorus-files"
PREFIX = "test"
REGION = "eu-west-2"
# moto accepts any credentials; these are the only ones the processes it serves ever see.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "chorus-test", "AWS_SECRET_ACCESS_KEY": "chorus-test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    port: int = field(default_factory=free_port)

    def start(self) -> S3Server:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, bucket: str) -> dict[str, str]:
        """The variables a Chorus process (web or worker) is given to keep its files in `bucket`."""
        return {
            "CHORUS_S3_BUCKET": bucket,
            "CHORUS_S3_ENDPOINT_URL": self.endpoint_url,
            "CHORUS_S3_REGION": REGION,
            "CHORUS_S3_PREFIX": PREFIX,
            "CHORUS_S3_ADDRESSING_STYLE": "path",
            **CREDENTIALS,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )


@dataclass
class Bucket:
    """One test's bucket on the server, and what Chorus stored in it."""

    server: S3Server
    name: str
    scratch: Path  # this test's temporary folder (tempfile's), which must be left empty

    def create(self) -> Bucket:
        self.server.client().create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return self

    @property
    def environment(self) -> dict[str, str]:
        return self.server.environment(self.name)

    def keys(self) -> list[str]:
        """Every object's key in the bucket (Chorus's names under the prefix)."""
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def names(self) -> list[str]:
        """Chorus's storage names of the objects in the bucket."""
        return [key.removeprefix(f"{PREFIX}/") for key in self.keys()]

    def read(self, name: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=f"{PREFIX}/{name}")["Body"].read()

    def acl_grants(self, name: str) -> list[dict]:
        return self.server.client().get_object_acl(Bucket=self.name, Key=f"{PREFIX}/{name}")["Grants"]

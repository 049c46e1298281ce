"""A real S3-compatible server on loopback for the tests: moto's, in a thread of the test process.

Not a mock of boto3: the storage code speaks HTTP to 127.0.0.1 exactly as it does to MinIO or
Ceph RGW in production (ADR 0009). Only imported by tests (moto is a development dependency).
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

_server: Any = None


def _credentials() -> None:
    # Never send an operator's real keys to the test server.
    os.environ["AWS_ACCESS_KEY_ID"] = "luutru-test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "luutru-test-secret"  # noqa: S105 (loopback test)
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def start_server() -> Any:
    """A new moto server on a free loopback port (started; call ``stop()`` when done)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    _credentials()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    return server


def endpoint(server: Any = None) -> str:
    """The shared server's URL (started on first use, kept for the test process)."""
    global _server  # one server per test process
    if server is None:
        if _server is None:
            _server = start_server()
        server = _server
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def client(url: str | None = None) -> Any:
    """A plain boto3 client on the test server, for arranging buckets and damaging objects."""
    import boto3

    _credentials()
    return boto3.client("s3", endpoint_url=url or endpoint(), region_name="us-east-1")


def new_bucket(prefix: str = "luutru") -> str:
    """A fresh, empty bucket; its name."""
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    client().create_bucket(Bucket=name)
    return name


def storage_url(bucket: str, prefix: str = "kho", **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"endpoint": endpoint(), **params}.items())
    return f"s3://{bucket}/{prefix}?{query}"

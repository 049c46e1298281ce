"""Fixity audits and replication with both copies in S3 buckets (a real server on loopback).

The disk cases are in ``test_fixity.py``; these are the same promises where the primary copy
and the replica are objects: a replica object that returns different bytes is found and
rebuilt from the primary, a bucket that refuses writes stops a file before any row names it,
and an audit whose replica server cannot be reached stops and says so.
"""

from __future__ import annotations

import json

from django.test import override_settings

from luutru.preservation.models import Incident, IncidentKind
from luutru.preservation.tests.helpers import store_bytes
from luutru.preservation.tests.test_fixity import fixity
from luutru.storage import testing
from luutru.storage.backends import StorageError
from luutru.storage.models import StoredFile
from luutru.storage.services import replica
from luutru.test import BaseTestCase


class BucketFixityTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.primary_bucket = testing.new_bucket("chinh")
        self.replica_bucket = testing.new_bucket("du-phong")
        override = override_settings(
            STORAGE_URL=testing.storage_url(self.primary_bucket),
            REPLICA_URL=testing.storage_url(self.replica_bucket),
        )
        override.enable()
        self.addCleanup(override.disable)
        self.raw = testing.client()

    def replica_key(self, stored: StoredFile) -> str:
        return f"kho/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"

    def test_a_replica_object_that_returns_different_bytes_is_rebuilt(self) -> None:
        files = [store_bytes(f"Công văn số {n} ".encode() * 500) for n in range(3)]
        bad = files[1]
        self.raw.put_object(Bucket=self.replica_bucket, Key=self.replica_key(bad), Body=b"sai")
        code, outcome = fixity("--all")
        self.assertEqual(code, 0)
        self.assertEqual([r["sha256"] for r in outcome["repaired"]], [bad.sha256])
        self.assertEqual(outcome["repaired"][0]["replica"], "bad")
        body = self.raw.get_object(Bucket=self.replica_bucket, Key=self.replica_key(bad))["Body"]
        self.assertEqual(body.read(), "Công văn số 1 ".encode() * 500)
        evidence = self.raw.list_objects_v2(Bucket=self.replica_bucket, Prefix="kho/.quarantine/")
        self.assertEqual(evidence["KeyCount"], 1, "the wrong bytes are kept as evidence")
        self.assertEqual(Incident.objects.get().kind, IncidentKind.COPY_REPAIRED)

    def test_a_replica_bucket_without_write_permission_registers_nothing(self) -> None:
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{self.replica_bucket}/*",
        }]}  # fmt: skip
        self.raw.put_bucket_policy(Bucket=self.replica_bucket, Policy=json.dumps(policy))
        with self.assertRaisesRegex(StorageError, "kho dự phòng.*không có quyền"):
            store_bytes(b"chi mot ban")
        self.assertFalse(StoredFile.objects.exists())

    def test_an_audit_stops_when_the_replica_server_cannot_be_reached(self) -> None:
        store_bytes(b"ho so")
        server = testing.start_server()
        gone = testing.endpoint(server)
        server.stop()
        with override_settings(REPLICA_URL=f"s3://{self.replica_bucket}/kho?endpoint={gone}"):
            self.assertFalse(replica().available())
            code, outcome = fixity("--all")
        self.assertEqual(code, 1)
        self.assertIn(f"không truy cập được s3://{self.replica_bucket}", outcome["interrupted"])
        self.assertIn(gone, outcome["interrupted"])

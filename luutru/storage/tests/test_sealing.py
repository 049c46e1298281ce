"""Mật files encrypted at rest with the key in MAT_KEY_FILE (ADR 0011): the plaintext leaves
both copies, reads decrypt it, fixity checks and repairs the ciphertext, and damage, truncation
or another key are refused rather than read as something else — on disk and in S3 buckets."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.test import override_settings

from luutru.preservation.tests.helpers import StorageTestCase, attach, store_bytes
from luutru.preservation.tests.test_backup import installs, script  # noqa: F401 - a fixture
from luutru.preservation.tests.test_fixity import fixity
from luutru.records.tests.factory import make_document, make_dossier
from luutru.storage import testing
from luutru.storage.actions import remove_files, seal_files
from luutru.storage.models import StoredFile
from luutru.storage.sealing import CHUNK, SealingError, seal_stream, unseal
from luutru.storage.services import backend, open_stored, replica

KEY = bytes(range(32))
SECRET = "Biên bản họp kín về quy hoạch quốc phòng ".encode() * 4000  # ~170 kB


def sealed(data: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    seal_stream(io.BytesIO(data), out, plain_sha256=hashlib.sha256(data).hexdigest(), key=key)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_what_is_sealed_reads_back_the_same_and_shows_nothing_of_itself(size: int) -> None:
    data = (b"Tai lieu mat. " * (size // 14 + 1))[:size]
    cipher = sealed(data)
    if size >= 64:
        assert data[-64:] not in cipher
    with unseal(io.BytesIO(cipher), hashlib.sha256(data).hexdigest(), KEY) as plain:
        assert plain.read() == data


def test_damage_truncation_another_file_or_another_key_are_refused() -> None:
    data = b"Tai lieu mat " * 200_000  # 2.6 MB: three chunks
    digest = hashlib.sha256(data).hexdigest()
    cipher = sealed(data)

    def read(blob: bytes, name: str = digest, key: bytes = KEY) -> bytes:
        with unseal(io.BytesIO(blob), name, key) as plain:
            return plain.read()

    flipped = bytearray(cipher)
    flipped[CHUNK + 100] ^= 1
    with pytest.raises(SealingError, match="hỏng hoặc bị sửa"):
        read(bytes(flipped))
    with pytest.raises(SealingError, match="hỏng hoặc bị sửa"):
        read(cipher[: 28 + 2 * (CHUNK + 16)])  # the last chunk cut off
    with pytest.raises(SealingError, match="hỏng hoặc bị sửa"):
        read(cipher, name=hashlib.sha256(b"another").hexdigest())
    with pytest.raises(SealingError, match="khóa khác"):
        read(cipher, key=bytes(32))


class SealedDiskTests(StorageTestCase):
    def setUp(self) -> None:
        super().setUp()
        key = self.scratch / "mat.key"
        key.write_bytes(KEY.hex().encode() + b"\n")
        override = override_settings(
            MAT_KEY_FILE=str(key), FILE_UPLOAD_TEMP_DIR=self.scratch / "tmp"
        )
        override.enable()
        self.addCleanup(override.disable)

    def all_bytes(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.scratch.rglob("*") if p.is_file())

    def test_a_sealed_file_leaves_no_plaintext_in_either_copy_and_reads_the_same(self) -> None:
        stored = store_bytes(SECRET, "bien-ban.pdf")
        self.assertIn(SECRET[:200], self.all_bytes())

        self.assertEqual(seal_files([stored.sha256]), [stored.sha256])

        stored.refresh_from_db()
        self.assertTrue(stored.sealed_sha256)
        self.assertNotIn(SECRET[:200], self.all_bytes())
        for storage in (backend(), replica()):
            self.assertFalse(storage.exists(stored.sha256))
            self.assertTrue(storage.exists(stored.sealed_sha256))
        with open_stored(stored.sha256) as plain:
            self.assertEqual(plain.read(), SECRET)
        self.assertEqual(seal_files([stored.sha256]), [])  # already sealed

    def test_fixity_checks_the_ciphertext_and_repairs_it_from_the_other_copy(self) -> None:
        dossier = make_dossier(self.agency_a, 7, access_regime="03")
        document = make_document(self.agency_a, dossier, 1)
        stored = store_bytes(SECRET, "bien-ban.pdf")
        attach(document, stored, "bien-ban.pdf")
        seal_files([stored.sha256])
        stored.refresh_from_db()

        code, outcome = fixity("--all")
        self.assertEqual((code, outcome["checked"], outcome["ok"]), (0, 1, 1))

        copy = backend().path(stored.sealed_sha256)  # type: ignore[attr-defined]
        copy.chmod(0o644)
        copy.write_bytes(b"hong")
        code, outcome = fixity("--all")
        self.assertEqual(code, 0)
        self.assertEqual([r["sha256"] for r in outcome["repaired"]], [stored.sha256])
        with open_stored(stored.sha256) as plain:
            self.assertEqual(plain.read(), SECRET)

    def test_destroying_a_sealed_file_removes_its_ciphertext_from_both_copies(self) -> None:
        stored = store_bytes(SECRET)
        seal_files([stored.sha256])
        stored.refresh_from_db()
        cipher = stored.sealed_sha256
        StoredFile.objects.filter(pk=stored.pk).delete()  # as lawful destruction does, first

        remove_files([stored.sha256], sealed={stored.sha256: cipher}).purge()

        for storage in (backend(), replica()):
            self.assertFalse(storage.exists(cipher))
            self.assertFalse(storage.exists(stored.sha256))

    def test_without_the_key_a_sealed_file_is_refused_not_served_as_garbage(self) -> None:
        stored = store_bytes(SECRET)
        seal_files([stored.sha256])
        with (
            override_settings(MAT_KEY_FILE=""),
            self.assertRaisesRegex(SealingError, "MAT_KEY_FILE"),
        ):
            open_stored(stored.sha256)
        other = self.scratch / "khac.key"
        other.write_bytes(bytes(32))
        with (
            override_settings(MAT_KEY_FILE=str(other)),
            self.assertRaisesRegex(SealingError, "khóa khác"),
        ):
            open_stored(stored.sha256)


class SealedBucketTests(StorageTestCase):
    """The same promises with both copies in S3 buckets (a real server on loopback)."""

    def setUp(self) -> None:
        super().setUp()
        key = self.scratch / "mat.key"
        key.write_bytes(KEY)
        self.primary, self.second = testing.new_bucket("chinh"), testing.new_bucket("du-phong")
        override = override_settings(
            MAT_KEY_FILE=str(key),
            FILE_UPLOAD_TEMP_DIR=self.scratch / "tmp",
            STORAGE_URL=testing.storage_url(self.primary),
            REPLICA_URL=testing.storage_url(self.second),
        )
        override.enable()
        self.addCleanup(override.disable)

    def objects(self, bucket: str) -> bytes:
        raw = testing.client()
        keys = [o["Key"] for o in raw.list_objects_v2(Bucket=bucket).get("Contents", [])]
        return b"".join(raw.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys)

    def test_a_sealed_file_in_buckets_is_ciphertext_only_and_reads_and_audits(self) -> None:
        document = make_document(
            self.agency_a, make_dossier(self.agency_a, 7, access_regime="03"), 1
        )
        stored = store_bytes(SECRET, "bien-ban.pdf")
        attach(document, stored, "bien-ban.pdf")

        seal_files([stored.sha256])

        stored = StoredFile.objects.get(pk=stored.pk)
        for bucket in (self.primary, self.second):
            self.assertNotIn(SECRET[:200], self.objects(bucket))
        with open_stored(stored.sha256) as plain:
            self.assertEqual(plain.read(), SECRET)
        code, outcome = fixity("--all")
        self.assertEqual((code, outcome["checked"], outcome["ok"]), (0, 1, 1))


def test_a_key_file_of_the_wrong_length_is_refused_with_the_way_to_make_one(
    tmp_path: Path,
) -> None:
    from luutru.storage.sealing import load_key

    short = tmp_path / "ngan.key"
    short.write_bytes(b"abc")
    with override_settings(MAT_KEY_FILE=str(short)), pytest.raises(SealingError, match="32 byte"):
        load_key()


SEAL_AND_BACKUP = """
import django, hashlib, io, json, sys
django.setup()
from django.core.management import call_command
from luutru.storage.actions import put_bytes, register_many, seal_files
call_command("migrate", verbosity=0)
data = "Biên bản họp kín ".encode() * 20000
sha256, size = put_bytes(data)
register_many([{"sha256": sha256, "size": size, "mime": "application/pdf"}])
seal_files([sha256])
text = io.StringIO()
call_command("backup", sys.argv[1], "--json", stdout=text)
print(json.dumps({"sha256": sha256, "backup": json.loads(text.getvalue())}))
"""
RESTORE_AND_READ = """
import django, hashlib, io, json, sys
django.setup()
from django.core.management import call_command
from luutru.storage.services import open_stored
call_command("restore", sys.argv[1], stdout=io.StringIO())
call_command("fixity", "--all", "--json", stdout=(report := io.StringIO()))
with open_stored(sys.argv[2]) as plain:
    digest = hashlib.sha256(plain.read()).hexdigest()
print(json.dumps({"fixity": json.loads(report.getvalue()), "read": digest}))
"""


def test_a_backup_holds_only_the_ciphertext_and_restores_with_the_key(
    installs: tuple[dict[str, str], dict[str, str]],  # noqa: F811 - the fixture, imported
    tmp_path: Path,
) -> None:
    key = tmp_path / "mat.key"
    key.write_bytes(KEY)
    source, target = ({**env, "MAT_KEY_FILE": str(key)} for env in installs)
    made = script(source, SEAL_AND_BACKUP, str(tmp_path / "sao-luu"))
    assert made["backup"]["files"] == 1 and made["backup"]["missing"] == []
    held = b"".join(
        p.read_bytes() for p in (tmp_path / "sao-luu" / "files").rglob("*") if p.is_file()
    )
    assert "Biên bản họp kín ".encode() * 3 not in held

    restored = script(target, RESTORE_AND_READ, str(tmp_path / "sao-luu"), made["sha256"])
    report = restored["fixity"]
    assert (report["checked"], report["ok"], report["lost"]) == (1, 1, [])
    assert restored["read"] == made["sha256"]

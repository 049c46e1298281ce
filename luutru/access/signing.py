"""The archive's signing key and certificate for certified copies, and a demo pair.

In production the key and certificate come from a recognised CA (the Government CA for
agencies) and their paths from ``ACCESS_SIGNING_KEY``, ``ACCESS_SIGNING_CERT`` and
``ACCESS_SIGNING_CHAIN``. ``make demo`` (``luutru demo``) writes a self-signed demo CA and an
archive certificate it issued into the data directory, so certified copies verify against it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEMO_CA_NAME = "CA thử nghiệm Lưu trữ số (không dùng thật)"


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    chain: list[Path]

    def ready(self) -> bool:
        return self.key.exists() and self.cert.exists()


def configured() -> SigningFiles:
    return SigningFiles(
        Path(settings.ACCESS_SIGNING_KEY),
        Path(settings.ACCESS_SIGNING_CERT),
        [Path(p) for p in settings.ACCESS_SIGNING_CHAIN if Path(p).exists()],
    )


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lưu trữ số (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_demo_certificate(directory: Path, archive_name: str) -> SigningFiles:
    """A self-signed demo CA (``ca.crt``) and an archive certificate it issued
    (``archive.crt`` + ``archive.key``) in ``directory``. Idempotent: kept when present."""
    directory.mkdir(parents=True, exist_ok=True)
    files = SigningFiles(
        directory / "archive.key", directory / "archive.crt", [directory / "ca.crt"]
    )
    if files.ready() and files.chain[0].exists():
        return files
    now = datetime.datetime.now(tz=datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(DEMO_CA_NAME)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(archive_name))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    files.chain[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(_pem_key(key))
    files.key.chmod(0o600)
    return files

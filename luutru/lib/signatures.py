"""Verifying the digital signatures (PAdES/CAdES) embedded in PDFs, offline, with pyHanko.

Agencies sign decisions with certificates from the Government CA or commercial CAs. On ingest
the archive records for every signature who signed, when, whether the signed bytes are intact,
whether anything was changed afterwards, and whether the certificate chains up to a trust root
the archive configured. Nothing is fetched: no network at run time, so revocation information
is whatever the file carries and its absence is reported as "unavailable", never as failure
(pyHanko's ``soft-fail`` revocation mode). A signature that does not chain to a trust root
now is judged again at its signing time (the timestamp's, else the time the signer declares):
one valid when made is not untrusted because its certificate has since expired
(``details["validated_at"]`` says which). ``details["evidence"]`` keeps the CMS, certificates,
timestamp and DSS so the verdict can be re-checked without the network.

``validate_pdf_signature`` runs its own event loop (``asyncio.run``), so call this from
synchronous code (tasks, the CLI); from async code wrap it in ``sync_to_async``.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

__all__ = ["SignatureReport", "verify_pdf_signatures"]

log = logging.getLogger(__name__)

_VIETNAM = timezone(timedelta(hours=7), "ICT")  # no DST since 1975; no tzdata needed
_CHUNK = 1 << 20


@dataclass(slots=True)
class SignatureReport:
    """One signature field's verdict; ``summary`` is a Vietnamese sentence for people.

    ``intact``: the signed bytes are unchanged. ``valid``: intact, the cryptographic signature
    is correct and no later revision made a change the signature does not allow.
    ``trusted``: the signer's certificate chains to one of the given trust roots.
    ``covers_whole_file``: nothing was appended after signing. ``details`` holds
    JSON-serialisable facts (certificate, algorithms, coverage, modification level…).
    """

    field: str
    signer: str | None
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    summary: str
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


def verify_pdf_signatures(path: Path, trust_roots: list[Path]) -> list[SignatureReport]:
    """Verify every signature in ``path`` against ``trust_roots`` (PEM or DER files).

    An unsigned PDF gives ``[]``. A file pyHanko cannot parse gives ``[]`` unless it holds a
    signature dictionary (``/ByteRange``), in which case one report says the signature could
    not be checked. Unreadable trust-root files are skipped and named in each report's details.
    Never raises for a bad PDF.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots, root_errors = _load_roots(trust_roots)
    try:
        with open(path, "rb") as stream:
            reader = PdfFileReader(stream, strict=False)
            embedded = list(reader.embedded_signatures)
            reports = [_verify_one(sig, roots) for sig in embedded]
    except Exception as exc:  # pyHanko raises many kinds of errors on malformed PDFs
        log.debug("pyHanko could not read %s", path, exc_info=True)
        if not _mentions_signature(path):
            return []
        return [
            SignatureReport(
                field="",
                signer=None,
                signed_at=None,
                intact=False,
                valid=False,
                trusted=False,
                covers_whole_file=False,
                summary=f"Không kiểm tra được chữ ký số: tệp PDF bị hỏng ({str(exc)[:200]}).",
                details={"error": str(exc)[:500]},
            )
        ]
    if root_errors:
        for report in reports:
            report.details["trust_root_errors"] = root_errors
    return reports


def _load_roots(paths: list[Path]) -> tuple[list[Any], list[str]]:
    """Certificates from the trust-root files, and a message per file that failed to load."""
    from pyhanko.keys import load_certs_from_pemder

    roots: list[Any] = []
    errors: list[str] = []
    for path in paths:
        try:
            loaded = list(load_certs_from_pemder([str(path)]))
        except Exception as exc:  # OSError, ValueError, asn1crypto parse errors
            loaded = []
            log.warning("trust root %s unreadable: %s", path, exc)
        if not loaded:
            errors.append(f"Không đọc được chứng thư gốc tin cậy «{path.name}».")
        roots.extend(loaded)
    return roots, errors


def _mentions_signature(path: Path) -> bool:
    """Whether the raw bytes contain ``/ByteRange``, which every signature dictionary has."""
    needle = b"/ByteRange"
    tail = b""
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                if needle in tail + chunk:
                    return True
                tail = chunk[-len(needle) :]
    except OSError:
        return False
    return False


def _verify_one(sig: Any, roots: list[Any]) -> SignatureReport:
    """Validate one embedded signature; errors become a failed report, not an exception."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    field_name = str(sig.field_name or "")
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:  # malformed CMS surfaces as many error types; report, don't raise
        log.debug("signature %s failed validation", field_name, exc_info=True)
        signer = _signer_of(getattr(sig, "signer_cert", None))
        return SignatureReport(
            field=field_name,
            signer=signer,
            signed_at=_aware(getattr(sig, "self_reported_timestamp", None)),
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_file=False,
            summary=f"Chữ ký «{field_name}» không kiểm tra được: {str(exc)[:200]}.",
            details={"error": str(exc)[:500]},
        )

    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signer = _signer_of(status.signing_cert)
    time_source = None
    signed_at = None
    if status.timestamp_validity is not None:
        signed_at, time_source = _aware(status.timestamp_validity.timestamp), "timestamp"
    elif status.signer_reported_dt is not None:
        signed_at, time_source = _aware(status.signer_reported_dt), "signer"
    validated_at = "now"
    if status.intact and status.valid and not status.trusted and signed_at is not None:
        # Judged at its signing time (the certificate's validity then): a signature that was
        # good when made stays good after the certificate expires. Nothing is fetched.
        then = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=signed_at
        )
        try:
            at_signing = validate_pdf_signature(sig, then)
        except Exception:  # as above: a failure here leaves the verdict made now
            log.debug("signature %s failed validation at signing time", field_name, exc_info=True)
        else:
            if at_signing.trusted:
                status, validated_at = at_signing, "signing_time"
    intact = bool(status.intact)
    valid = intact and bool(status.valid) and status.docmdp_ok is not False
    trusted = bool(status.trusted)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    details = _details(sig, status, time_source)
    details["validated_at"] = validated_at
    summary = _summary(signer, signed_at, status, intact=intact, valid=valid, whole=whole)
    if validated_at == "signing_time":
        summary += " Đánh giá tại thời điểm ký: chứng thư số còn hiệu lực lúc ký."
    details["evidence"] = _evidence(sig)
    return SignatureReport(
        field=field_name,
        signer=signer,
        signed_at=signed_at,
        intact=intact,
        valid=valid,
        trusted=trusted,
        covers_whole_file=whole,
        summary=summary,
        details=details,
    )


def _signer_of(cert: Any) -> str | None:
    """The certificate's common name (else its whole subject), in NFC."""
    if cert is None:
        return None
    try:
        subject = cert.subject
        name = subject.native.get("common_name") or subject.human_friendly
    except Exception:  # a certificate with an unparsable subject
        return None
    if isinstance(name, list):
        name = ", ".join(str(n) for n in name)
    return unicodedata.normalize("NFC", str(name))


def _aware(moment: datetime | None) -> datetime | None:
    """Make a time zone-aware datetime (PDF dates without a zone are taken as UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _details(sig: Any, status: Any, time_source: str | None) -> dict[str, Any]:
    """Facts worth keeping with the document, as plain JSON values."""
    cert = status.signing_cert
    sig_dict = sig.sig_object
    details: dict[str, Any] = {
        "subject": unicodedata.normalize("NFC", cert.subject.human_friendly),
        "issuer": unicodedata.normalize("NFC", cert.issuer.human_friendly),
        "serial": format(cert.serial_number, "x"),
        "sha256": cert.sha256.hex(),
        "not_before": cert.not_valid_before.isoformat(),
        "not_after": cert.not_valid_after.isoformat(),
        "digest_algorithm": status.md_algorithm,
        "signature_mechanism": status.pkcs7_signature_mechanism,
        "subfilter": str(sig_dict.get("/SubFilter", "")).lstrip("/") or None,
        "reason": _text(sig_dict.get("/Reason")),
        "location": _text(sig_dict.get("/Location")),
        "coverage": status.coverage.name if status.coverage else None,
        "modification_level": (
            status.modification_level.name if status.modification_level else None
        ),
        "docmdp_ok": status.docmdp_ok,
        "time_source": time_source,
        "revoked": bool(status.revoked),
        "revocation_info": "unavailable" if status.revocation_details is None else "checked",
        "trust_problem": str(status.trust_problem_indic) if status.trust_problem_indic else None,
        "bottom_line": bool(status.bottom_line),
    }
    return details


def _evidence(sig: Any) -> dict[str, Any]:
    """What re-checking the verdict offline needs, base64 DER: the whole CMS signature (the
    signer's certificate, the chain it carries, signed attributes, signature timestamp and any
    revocation data archived in it), its certificates listed apart, and the document security
    store (DSS: certificates, OCSP responses, CRLs) when the file has one."""
    evidence: dict[str, Any] = {"cms": None, "certificates": [], "timestamp": None, "dss": {}}
    try:
        evidence["cms"] = base64.b64encode(sig.signed_data_content_info.dump()).decode()
    except Exception:  # a signature pyHanko parsed only in part
        contents = sig.sig_object.get("/Contents")
        evidence["cms"] = base64.b64encode(bytes(contents)).decode() if contents else None
    try:
        evidence["certificates"] = [
            base64.b64encode(choice.chosen.dump()).decode()
            for choice in sig.signed_data["certificates"] or []
        ]
    except Exception:
        log.debug("no certificates in the CMS of %s", sig.field_name, exc_info=True)
    token = getattr(sig, "attached_timestamp_data", None)
    if token is not None:
        evidence["timestamp"] = base64.b64encode(token.dump()).decode()
    try:
        dss = sig.reader.root.get("/DSS")
        if dss is not None:
            for key, name in (("/Certs", "certificates"), ("/OCSPs", "ocsp"), ("/CRLs", "crl")):
                streams = dss.get(key)
                if streams:
                    evidence["dss"][name] = [
                        base64.b64encode(ref.get_object().data).decode() for ref in streams
                    ]
    except Exception:
        log.debug("unreadable DSS", exc_info=True)
    return evidence


def _text(value: Any) -> str | None:
    """A PDF text string as NFC Python text."""
    return unicodedata.normalize("NFC", str(value)) if value is not None else None


def _summary(
    signer: str | None,
    signed_at: datetime | None,
    status: Any,
    *,
    intact: bool,
    valid: bool,
    whole: bool,
) -> str:
    """One Vietnamese paragraph: who, when, and the verdict in the order people ask."""
    who = f"Chữ ký của «{signer}»" if signer else "Chữ ký số"
    when = ""
    if signed_at is not None:
        when = f", ký lúc {signed_at.astimezone(_VIETNAM):%H:%M ngày %d/%m/%Y} (giờ Việt Nam)"
    if not intact:
        return (
            f"{who}{when}: KHÔNG còn nguyên vẹn — nội dung tệp đã bị thay đổi sau khi ký "
            "hoặc chữ ký bị hỏng."
        )
    if not valid:
        if status.docmdp_ok is False:
            return (
                f"{who}{when}: tệp đã bị sửa đổi sau khi ký theo cách chữ ký không cho phép "
                "(ngoài điền biểu mẫu hay thêm chữ ký)."
            )
        return f"{who}{when}: chữ ký không hợp lệ về mặt mật mã."
    parts = [f"{who}{when}: còn nguyên vẹn và hợp lệ về mặt mật mã"]
    if status.revoked:
        parts.append("nhưng chứng thư số của người ký đã bị thu hồi")
    elif status.trusted:
        parts.append("chứng thư số xác thực được tới chứng thư gốc tin cậy")
    else:
        parts.append(
            "nhưng chứng thư số không xác thực được với các chứng thư gốc tin cậy đã cấu hình"
        )
    if not whole:
        parts.append(
            "tệp có phần bổ sung sau khi ký (điền biểu mẫu, thêm chữ ký hoặc dấu thời gian)"
        )
    if status.revocation_details is None and not status.revoked:
        parts.append("chưa kiểm tra được tình trạng thu hồi (không có dữ liệu, không tra cứu mạng)")
    return "; ".join(parts) + "."

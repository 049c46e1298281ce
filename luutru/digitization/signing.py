"""The archive's signature on every PDF/A digitization makes (TT 05/2025 Điều 8: a digitized
record has legal value when it carries the digital signature of the agency that digitized it).

The key and certificate are ``DIGITIZATION_SIGNING_KEY``, ``…_CERT`` and ``…_CHAIN`` (PEM), or,
when those are empty, the archive's own certificate for certified copies (``ACCESS_SIGNING_*``).
As TT 05/2025 prescribes, the signature shows the agency and the signing time (ISO 8601) at the
top right of the first page, in a serif face at 10 pt (Noto Serif: Times New Roman is not in
Debian; the font is embedded), without a seal image. It is appended as an incremental update
that keeps the file's PDF version, so the file stays PDF/A-2B; its bytes are what storage,
search and the AIP keep. Signing is ``lib.pdfsign``, the same signer as the certified copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from luutru.lib.pages import page_size
from luutru.lib.pdfsign import SIGNATURE_TEXT, SigningError, sign_pdf, stamp_style, top_right_box

FIELD_NAME = "ChuKySoCoQuanSoHoa"
SERIF = Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")
REASON = "Bản số hóa từ bản giấy của cơ quan lưu trữ (TT 05/2025 Điều 8)"


class NotConfigured(SigningError):
    """No key or certificate where the settings point (message in Vietnamese)."""


@dataclass(frozen=True)
class Credentials:
    key: Path
    cert: Path
    chain: list[Path]


def credentials() -> Credentials:
    """Where the archive's key, certificate and chain are (nothing is read here)."""
    if settings.DIGITIZATION_SIGNING_CERT:
        return Credentials(
            Path(settings.DIGITIZATION_SIGNING_KEY),
            Path(settings.DIGITIZATION_SIGNING_CERT),
            [Path(p) for p in settings.DIGITIZATION_SIGNING_CHAIN],
        )
    return Credentials(
        Path(settings.ACCESS_SIGNING_KEY),
        Path(settings.ACCESS_SIGNING_CERT),
        [Path(p) for p in settings.ACCESS_SIGNING_CHAIN],
    )


def missing() -> str:
    """Why digitized files cannot be signed now, or "" when the key and certificate are there."""
    found = credentials()
    if found.key.is_file() and found.cert.is_file():
        return ""
    return (
        "Chưa có chứng thư số của cơ quan lưu trữ để ký tài liệu số hóa (TT 05/2025 Điều 8): "
        f"không thấy {found.cert if not found.cert.is_file() else found.key}; hãy cấu hình "
        "DIGITIZATION_SIGNING_CERT và DIGITIZATION_SIGNING_KEY."
    )


def sign_file(path: Path, *, signer_name: str = "") -> None:
    """Sign the PDF/A at ``path`` in place with the archive's key. Raises ``SigningError``
    (``NotConfigured`` when no certificate is configured)."""
    problem = missing()
    if problem:
        raise NotConfigured(problem)
    found = credentials()
    data = path.read_bytes()
    width, height = page_size(data, 0)
    signed = sign_pdf(
        data,
        key_file=found.key,
        cert_file=found.cert,
        chain_files=[p for p in found.chain if p.is_file()],
        field_name=FIELD_NAME,
        reason=REASON,
        signer_name=signer_name,
        stamp_style=stamp_style(SIGNATURE_TEXT, SERIF, 10),
        box=top_right_box(width, height),
        keep_version=True,
    )
    path.write_bytes(signed)

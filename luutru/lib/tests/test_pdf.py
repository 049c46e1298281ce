"""PDF inspection: damaged, encrypted and active-content PDFs are found; good ones pass.

Hostile PDFs are built here with pikepdf; the sample packages supply real text PDFs, image-only
scans (no text layer) and the signed Quyết định.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from luutru.lib.pdf import inspect_pdf
from luutru.test import SAMPLES

TAI_LIEU = SAMPLES / "valid" / "spreadsheet_small" / "tai_lieu"
Name = pikepdf.Name


def blank(pages: int = 1) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    return pdf


def with_text(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    """Give the first page a font and a line of text."""
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Ho so luu tru) Tj ET")
    return pdf


def saved(pdf: pikepdf.Pdf, path: Path, **kwargs: object) -> Path:
    pdf.save(path, **kwargs)  # type: ignore[arg-type]
    return path


def test_a_clean_pdf_passes(tmp_path: Path) -> None:
    report = inspect_pdf(saved(with_text(blank(3)), tmp_path / "sach.pdf"))
    assert report.ok and report.problems == []
    assert report.pages == 3
    assert report.has_text is True
    assert not (report.encrypted or report.damaged or report.javascript)
    assert not (report.launch_actions or report.embedded_files)
    assert report.pdfa is None


def test_open_action_javascript_is_active_content(tmp_path: Path) -> None:
    pdf = blank()
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('xin chao')"))
    )
    report = inspect_pdf(saved(pdf, tmp_path / "js.pdf"))
    assert report.javascript and not report.ok
    assert "JavaScript" in report.problems[0] and "js.pdf" in report.problems[0]


def test_document_level_javascript_in_the_name_tree_is_found(tmp_path: Path) -> None:
    pdf = blank()
    script = pdf.make_indirect(pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("1")))
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), script]))
    )
    assert inspect_pdf(saved(pdf, tmp_path / "names.pdf")).javascript


def test_a_launch_action_on_a_link_annotation_is_active_content(tmp_path: Path) -> None:
    pdf = blank()
    link = pikepdf.Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=[0, 0, 100, 100],
        A=pikepdf.Dictionary(S=Name.Launch, F=pikepdf.String("calc.exe")),
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    report = inspect_pdf(saved(pdf, tmp_path / "launch.pdf"))
    assert report.launch_actions and not report.javascript and not report.ok
    assert "Launch" in report.problems[0]


def test_javascript_hidden_in_a_next_chain_and_form_field_actions_is_found(
    tmp_path: Path,
) -> None:
    pdf = blank()
    js = pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("1"))
    uri = pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("https://x"), Next=js)
    field = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("f"), AA={"/K": uri}))
    parent = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("p"), Kids=[field]))
    field.Parent = parent
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([parent]))
    assert inspect_pdf(saved(pdf, tmp_path / "form.pdf")).javascript


def test_page_additional_actions_and_cycles_terminate(tmp_path: Path) -> None:
    pdf = blank()
    action = pdf.make_indirect(pikepdf.Dictionary(S=Name.Launch, F=pikepdf.String("x")))
    action.Next = action  # a cycle must not hang the walk
    pdf.pages[0].AA = pikepdf.Dictionary(O=action)
    assert inspect_pdf(saved(pdf, tmp_path / "page_aa.pdf")).launch_actions


def test_embedded_files_are_a_warning_not_a_failure(tmp_path: Path) -> None:
    pdf = blank()
    pdf.attachments["phu_luc.txt"] = pikepdf.AttachedFileSpec(pdf, b"noi dung")
    report = inspect_pdf(saved(pdf, tmp_path / "dinh_kem.pdf"))
    assert report.embedded_files and report.ok
    assert "đính kèm" in report.warnings[0]


def test_a_password_protected_pdf_is_encrypted(tmp_path: Path) -> None:
    path = saved(
        blank(), tmp_path / "mat_khau.pdf", encryption=pikepdf.Encryption(user="u", owner="o")
    )
    report = inspect_pdf(path)
    assert report.encrypted and not report.ok and not report.damaged
    assert report.pages is None and report.has_text is None
    assert "mật khẩu" in report.problems[0]


def test_an_owner_password_only_pdf_opens_but_is_still_encrypted(tmp_path: Path) -> None:
    path = saved(blank(2), tmp_path / "han_che.pdf", encryption=pikepdf.Encryption(owner="o"))
    report = inspect_pdf(path)
    assert report.encrypted and not report.ok
    assert report.pages == 2


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_pdf_is_damaged(tmp_path: Path, keep: float) -> None:
    good = saved(with_text(blank(3)), tmp_path / "tot.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good[: int(len(good) * keep)])
    report = inspect_pdf(cut)
    assert report.damaged and not report.ok
    assert "hỏng" in report.problems[0]


def test_garbage_and_missing_files_are_damaged(tmp_path: Path) -> None:
    (tmp_path / "rac.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    assert inspect_pdf(tmp_path / "rac.pdf").damaged
    assert inspect_pdf(tmp_path / "khong_co.pdf").damaged


def test_a_declared_pdfa_part_is_read_from_xmp(tmp_path: Path) -> None:
    pdf = blank()
    with pdf.open_metadata() as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
    assert inspect_pdf(saved(pdf, tmp_path / "pdfa.pdf")).pdfa == "2B"


def test_text_inside_a_form_xobject_counts(tmp_path: Path) -> None:
    pdf = with_text(blank())
    page = pdf.pages[0]
    form = pdf.make_stream(
        bytes(page.Contents.read_bytes()),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 612, 792],
        Resources=page.Resources,
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx=form))
    page.Contents = pdf.make_stream(b"q /Fx Do Q")
    assert inspect_pdf(saved(pdf, tmp_path / "form_text.pdf")).has_text is True


# --- the sample packages -----------------------------------------------------------------

SCANS = {"HS12/01_181-QD-STNMT.pdf": 3, "HS12/02_91-BB-UBND.pdf": 2, "HS12/03_446-BC-STNMT.pdf": 1}
TEXT = {"HS11/01_510-TTR-STNMT.pdf": 2, "HS11/02_123-QD-UBND.pdf": 3,
        "HS13/03_674-QD-UBND.pdf": 2, "HS14/02_709-TB-STNMT.pdf": 3}  # fmt: skip


@pytest.mark.parametrize(("name", "pages"), SCANS.items())
def test_sample_scans_have_no_text_layer(name: str, pages: int) -> None:
    report = inspect_pdf(TAI_LIEU / name)
    assert report.ok, report.problems
    assert (report.pages, report.has_text) == (pages, False)


@pytest.mark.parametrize(("name", "pages"), TEXT.items())
def test_sample_text_pdfs_have_text(name: str, pages: int) -> None:
    report = inspect_pdf(TAI_LIEU / name)
    assert report.ok, report.problems
    assert (report.pages, report.has_text) == (pages, True)


def test_every_sample_pdf_is_clean() -> None:
    for path in sorted(TAI_LIEU.glob("*/*.pdf")):
        report = inspect_pdf(path, deep=True)
        assert report.ok and not report.warnings, (path, report)
        assert report.pages and report.pages >= 1


def test_only_a_pdf_with_form_fields_is_sent_for_signature_checks() -> None:
    """Signatures are form-field values: the ingest verifies only PDFs that have fields."""
    assert inspect_pdf(TAI_LIEU / "HS13" / "03_674-QD-UBND.pdf").has_form
    assert not inspect_pdf(TAI_LIEU / "HS13" / "01_549-TTR-STNMT.pdf").has_form


def pdf_with_attachment(path: Path, name: str, data: bytes) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
    pdf.save(path)
    return path


def test_embedded_files_are_named_and_identified(tmp_path: Path) -> None:
    """TT 05/2025 (formats recorded for preservation): a file hidden inside a PDF is named in a
    warning with its PRONOM format, not kept unseen."""
    inner = pikepdf.new()
    inner.add_blank_page()
    buffer = io.BytesIO()
    inner.save(buffer)
    report = inspect_pdf(pdf_with_attachment(tmp_path / "a.pdf", "phu_luc.pdf", buffer.getvalue()))
    assert report.ok
    [attachment] = report.attachments
    assert attachment.name == "phu_luc.pdf" and not attachment.executable
    assert attachment.puid is not None and attachment.puid.startswith("fmt/")
    assert any("phu_luc.pdf" in w for w in report.warnings)


def test_an_executable_attachment_is_active_content(tmp_path: Path) -> None:
    """TT 05/2025: archival records hold no active content; a program inside a PDF is refused
    whatever it is called."""
    program = b"MZ\x90\x00" + b"\x00" * 200
    report = inspect_pdf(pdf_with_attachment(tmp_path / "b.pdf", "bang_tinh.dat", program))
    assert not report.ok
    assert [a.executable for a in report.attachments] == [True]
    assert any("chương trình chạy được" in p for p in report.problems)

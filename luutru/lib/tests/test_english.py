"""English is a complete second language (issue 19, item 6).

The catalogue translates every message, and pages opened in English show none of the
interface's Vietnamese: no message of the catalogue appears untranslated, the TT 05/2025
metadata and code-list labels are in English, and the records' own words stay as written.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.test import TestCase
from django.utils import timezone
from django.utils.translation import override

from luutru.access import reading_room
from luutru.accounts.models import Reader
from luutru.portal.tests.test_pages import PortalTestCase
from luutru.records import codes
from luutru.records.actions import SYSTEM_NAME
from luutru.records.elements import elements
from luutru.records.services import element_rows

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
DIACRITICS = re.compile("[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]")


def catalogue_entries(path: Path = CATALOGUE) -> list[dict[str, object]]:
    """The entries of a .po file: flags, msgid and every msgstr (msgstr[n] for plurals)."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = ""

    def close() -> None:
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
        elif line.startswith("#,"):
            entry["flags"] = [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        else:
            head, _, rest = line.partition(" ")
            if line.startswith('"'):
                entry[key] = str(entry[key]) + ast.literal_eval(line)
            else:
                key = head
                entry[key] = ast.literal_eval(rest)
    close()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def vietnamese_messages() -> set[str]:
    """The interface's own words: msgids with Vietnamese letters and no placeholder."""
    return {
        str(e["msgid"])
        for e in catalogue_entries()
        if DIACRITICS.search(str(e["msgid"]).lower()) and "%" not in str(e["msgid"])
    }


class _Words(HTMLParser):
    """What a visitor reads or hears: text nodes and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        for name, value in attrs:
            if name in {"title", "aria-label", "placeholder", "alt"} and value:
                self.words.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.words.append(" ".join(data.split()))


def words_of(html: str) -> list[str]:
    parser = _Words()
    parser.feed(html)
    return parser.words


class CatalogueTests(TestCase):
    def test_every_message_has_an_english_translation(self) -> None:
        entries = catalogue_entries()
        self.assertGreater(len(entries), 1000)
        untranslated = [
            e["msgid"]
            for e in entries
            if not all(str(v).strip() for k, v in e.items() if str(k).startswith("msgstr"))
        ]
        self.assertEqual(untranslated, [])
        fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", [])]  # type: ignore[operator]
        self.assertEqual(fuzzy, [])

    def test_a_plural_message_has_both_english_forms(self) -> None:
        plurals = [e for e in catalogue_entries() if "msgid_plural" in e]
        self.assertTrue(plurals)
        for e in plurals:
            self.assertIn("msgstr[0]", e, e["msgid"])
            self.assertIn("msgstr[1]", e, e["msgid"])

    def test_every_metadata_element_and_code_has_an_english_label(self) -> None:
        for level in ("dossier", "document", "photo", "media"):
            for element in elements(level).values():
                self.assertTrue(element.label_en, element.name)
                self.assertIsNone(DIACRITICS.search(element.label_en.lower()), element.label_en)
        for list_name in ("retention", "access_regime", "language", "document_type"):
            for code in codes.entries(list_name):
                with self.subTest(list_name=list_name, code=code):
                    with override("en"):
                        english = codes.shown_label(list_name, code)
                    self.assertNotEqual(english, codes.label(list_name, code))


class EnglishPagesTests(PortalTestCase):
    """Pages in English: chosen English labels appear, the catalogue's Vietnamese does not."""

    messages: ClassVar[set[str]]
    content: ClassVar[set[str]]

    def open_in_english(self, url: str) -> list[str]:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertContains(response, '<html lang="en">')
        words = words_of(response.content.decode())
        untranslated = sorted(set(words) & self.messages - self.content)
        self.assertEqual(untranslated, [], f"{url} shows untranslated interface text")
        return words

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.messages = vietnamese_messages()
        # Content, not interface: the archive's own reading-room texts (phong-doc.toml: hours,
        # rules, fees, in the archive's words) and the name stored as the decision maker when
        # the system itself decided (a record's data, like a person's name).
        room = reading_room.info()
        cls.content = {
            *room.hours,
            *room.rules,
            room.fee_note,
            *(part for fee in room.fees for part in (fee.service, fee.unit, fee.price)),
            SYSTEM_NAME,
        }
        Reader.objects.filter(user=cls.reader).update(approved_at=timezone.now())

    def test_the_portal_home_page(self) -> None:
        words = self.open_in_english("/")
        self.assertIn("Search", " ".join(words))
        self.assertIn(self.records.land.summary, words)  # the record's own words stay

    def test_a_public_document_shows_its_metadata_under_english_names(self) -> None:
        words = self.open_in_english(f"/tai-lieu/{self.records.land.archival_code}/")
        for label in ("Document type", "Issuing agency, organisation or person", "Summary"):
            self.assertIn(label, words)
        for vietnamese in ("Tên loại tài liệu", "Trích yếu nội dung", "Chế độ sử dụng"):
            self.assertNotIn(vietnamese, words)
        self.assertIn("Decision", words)  # the code list's word for document type 02
        self.assertNotIn("Quyết định", words)

    def test_a_public_file_shows_its_retention_in_english(self) -> None:
        words = self.open_in_english(f"/ho-so/{self.records.dossier.code}/")
        self.assertIn("Retention period", words)
        self.assertNotIn("Thời hạn lưu trữ", words)

    def test_the_readers_request_form(self) -> None:
        self.login(self.reader)
        words = self.open_in_english("/doc-gia/yeu-cau/moi/")
        self.assertIn("Access request · Lưu trữ số", words)
        for label in ("Purpose", "Form of access", "Access period (days)"):
            self.assertIn(label, words)
        self.assertNotIn("Hình thức khai thác", words)

    def test_the_staff_home_and_a_document_record(self) -> None:
        self.login(self.archivist)
        self.open_in_english("/quan-tri/")
        words = self.open_in_english(f"/quan-tri/tai-lieu/{self.records.land.pk}/")
        self.assertIn("Archival document code", words)
        self.assertIn("Retention period", words)
        self.assertNotIn("Mã lưu trữ tài liệu", words)

    def test_the_transfer_upload_page(self) -> None:
        self.login(self.clerk_a)
        words = self.open_in_english("/quan-tri/nop-luu/")
        self.assertIn("Transfers · Lưu trữ số", words)
        for label in ("Document package (.zip)", "Transferring agency"):
            self.assertIn(label, words)
        self.assertNotIn("Cơ quan nộp lưu", words)

    def test_vietnamese_stays_the_default_and_keeps_its_labels(self) -> None:
        rows = {r.element: r for r in element_rows(self.records.land, "document")}
        self.assertEqual(rows["typeName"].label, "Tên loại tài liệu")
        self.assertIn("Quyết định", rows["typeName"].value)
        page = self.client.get(f"/tai-lieu/{self.records.land.archival_code}/")
        self.assertContains(page, "Tên loại tài liệu")

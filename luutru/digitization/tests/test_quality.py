"""Page checks of TT 05/2025 Điều 8 on generated scans: what the operator is told, and when a
page is sent back (error) or only marked (warning)."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings
from PIL import Image

from luutru.digitization import quality, samples


def codes(flags: list[quality.Flag]) -> dict[str, str]:
    return {f.code: f.level for f in flags}


class ImageCheckTests(SimpleTestCase):
    def test_a_straight_colour_page_at_200_dpi_passes(self) -> None:
        self.assertEqual(quality.check_image(samples.page_image(), 200), [])

    def test_a_page_turned_three_degrees_is_flagged_with_its_angle(self) -> None:
        page = samples.page_image(dpi=200).rotate(3, expand=True, fillcolor=(252, 251, 247))
        [flag] = quality.check_image(page, 200)
        self.assertEqual((flag.code, flag.level), ("skewed", "warning"))
        self.assertRegex(flag.message, r"khoảng (2,[5-9]|3,[0-5])°")
        slight = samples.page_image(dpi=200).rotate(0.4, expand=True, fillcolor=(252, 251, 247))
        self.assertEqual(quality.check_image(slight, 200), [])

    def test_a_blank_page_is_marked_and_not_also_blamed_for_having_no_words(self) -> None:
        blank = Image.new("RGB", (1654, 1160), (250, 250, 246))
        [flag] = quality.check_image(blank, 200)
        self.assertEqual((flag.code, flag.level), ("blank_page", "warning"))
        self.assertIn("Trang trắng", flag.message)
        self.assertEqual(quality.check_ocr(None, 0, blank=True), [])
        self.assertEqual(codes(quality.check_ocr(None, 0, blank=False)), {"no_text": "warning"})

    def test_resolution_below_the_minimum_sends_the_page_back(self) -> None:
        [low] = quality.check_image(samples.page_image(dpi=150), 150)
        self.assertEqual((low.code, low.level), ("low_resolution", "error"))
        self.assertIn("150 dpi", low.message)
        self.assertIn("tối thiểu 200 dpi", low.message)
        [unknown] = quality.check_image(samples.page_image(), None)
        self.assertEqual((unknown.code, unknown.level), ("unknown_resolution", "error"))

    def test_maps_and_technical_drawings_need_300_dpi(self) -> None:
        page = samples.page_image(dpi=250)
        self.assertEqual(quality.check_image(page, 250, doc_type="14"), [])
        for drawing in ("30", "31"):
            [flag] = quality.check_image(page, 250, doc_type=drawing)
            self.assertEqual(flag.code, "low_resolution")
            self.assertIn("300 dpi", flag.message)
            self.assertIn("bản đồ, bản vẽ kỹ thuật", flag.message)
        self.assertEqual(quality.check_image(samples.page_image(dpi=300), 300, doc_type="31"), [])

    def test_grey_and_bitonal_scans_are_sent_back_unless_the_archive_relaxes_the_rule(
        self,
    ) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): paper is digitized in colour as the
        original, at least 24 bits; below that the page is an error by default, and an archive
        may relax it to a warning (``DIGITIZATION_LOW_DEPTH``)."""
        grey = samples.page_image(mode="L")
        bitonal = samples.page_image(mode="1")
        self.assertEqual(codes(quality.check_image(grey, 200)), {"low_colour_depth": "error"})
        [flag] = quality.check_image(bitonal, 200)
        self.assertEqual(flag.level, "error")
        self.assertIn("đen trắng 1 bit", flag.message)
        self.assertIn("24 bit", flag.message)
        with override_settings(DIGITIZATION_LOW_DEPTH="warn"):
            self.assertEqual(codes(quality.check_image(grey, 200)), {"low_colour_depth": "warning"})
        with override_settings(DIGITIZATION_LOW_DEPTH="allow"):
            self.assertEqual(quality.check_image(bitonal, 200), [])
        self.assertEqual(quality.colour_bits(samples.page_image()), 24)


class PageSizeTests(SimpleTestCase):
    def test_a_sheet_larger_than_a3_asks_whether_it_is_a_map_or_drawing(self) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): maps and technical drawings are scanned at
        300 dpi, whatever type the operator picked; a sheet larger than A3 (297 x 420 mm) may
        be one, so the operator is asked."""
        # A2 (420 x 594 mm) at 200 dpi.
        flag = quality.check_large_page(3307, 4677, 200, "32")
        assert flag is not None
        self.assertEqual((flag.code, flag.level), ("large_page", "warning"))
        self.assertIn("420x594 mm, lớn hơn A3", flag.message)
        self.assertIn("bản đồ hoặc bản vẽ kỹ thuật", flag.message)
        self.assertIn("tối thiểu 300 dpi", flag.message)
        self.assertIn("đang ở 200 dpi", flag.message)
        # A3 itself, an A4 page, or a sheet already typed as a map: no question.
        self.assertIsNone(quality.check_large_page(2339, 3307, 200, "32"))
        self.assertIsNone(quality.check_large_page(1654, 2339, 200, "02"))
        self.assertIsNone(quality.check_large_page(4961, 7016, 300, "30"))

    def test_the_confirmed_type_decides_the_300_dpi_rule(self) -> None:
        """TT 05/2025 Điều 8 (regulations.md §2.1): 300 dpi for maps (30) and technical
        drawings (31), 200 dpi for administrative records; the type is the one confirmed."""
        flag = quality.check_drawing_resolution(250, "30")
        assert flag is not None
        self.assertEqual((flag.code, flag.level), ("low_resolution", "error"))
        self.assertIn("300 dpi", flag.message)
        self.assertIsNone(quality.check_drawing_resolution(250, "02"))
        self.assertIsNone(quality.check_drawing_resolution(300, "31"))


class TextAndCountTests(SimpleTestCase):
    def test_a_page_read_with_low_confidence_is_marked_with_the_figure(self) -> None:
        [flag] = quality.check_ocr(41.6, 80, blank=False)
        self.assertEqual((flag.code, flag.level), ("low_confidence", "warning"))
        self.assertIn("(42%)", flag.message)
        self.assertEqual(quality.check_ocr(91.0, 80, blank=False), [])

    def test_pages_scanned_against_pages_declared(self) -> None:
        flag = quality.check_page_count(3, 2)
        assert flag is not None
        self.assertEqual(flag.message, "Siêu dữ liệu khai 3 trang nhưng bản quét có 2 trang.")
        self.assertIsNone(quality.check_page_count(2, 2))
        self.assertIsNone(quality.check_page_count(None, 5))

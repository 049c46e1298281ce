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

    def test_grey_and_bitonal_scans_follow_the_setting(self) -> None:
        grey = samples.page_image(mode="L")
        bitonal = samples.page_image(mode="1")
        self.assertEqual(codes(quality.check_image(grey, 200)), {"low_colour_depth": "warning"})
        [flag] = quality.check_image(bitonal, 200)
        self.assertIn("đen trắng 1 bit", flag.message)
        self.assertIn("24 bit", flag.message)
        with override_settings(DIGITIZATION_LOW_DEPTH="error"):
            self.assertEqual(codes(quality.check_image(grey, 200)), {"low_colour_depth": "error"})
        with override_settings(DIGITIZATION_LOW_DEPTH="allow"):
            self.assertEqual(quality.check_image(bitonal, 200), [])
        self.assertEqual(quality.colour_bits(samples.page_image()), 24)


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

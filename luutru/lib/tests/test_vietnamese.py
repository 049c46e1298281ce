"""Dates and counts as Vietnamese forms print them (NĐ 30/2020), from the one place that does."""

from __future__ import annotations

import datetime
import unittest

from luutru.lib.vietnamese import dateline, long_date, number_in_words, short_date


class DateTests(unittest.TestCase):
    def test_days_below_ten_and_the_first_two_months_get_a_leading_zero(self) -> None:
        cases = {
            datetime.date(2026, 3, 5): "ngày 05 tháng 3 năm 2026",
            datetime.date(2026, 12, 4): "ngày 04 tháng 12 năm 2026",
            datetime.date(2026, 1, 31): "ngày 31 tháng 01 năm 2026",
            datetime.date(2024, 2, 29): "ngày 29 tháng 02 năm 2024",
            datetime.date(2023, 9, 10): "ngày 10 tháng 9 năm 2023",
        }
        for day, text in cases.items():
            with self.subTest(day=day):
                self.assertEqual(long_date(day), text)

    def test_the_dateline_puts_the_place_before_the_date(self) -> None:
        self.assertEqual(
            dateline("Hà Nội", datetime.date(2026, 12, 4)), "Hà Nội, ngày 04 tháng 12 năm 2026"
        )

    def test_a_record_date_is_no_more_precise_than_the_record(self) -> None:
        day = datetime.date(2024, 3, 5)
        self.assertEqual(short_date(day), "05/03/2024")
        self.assertEqual(short_date(day, "month"), "03/2024")
        self.assertEqual(short_date(day, "year"), "2024")


class NumberInWordsTests(unittest.TestCase):
    def test_counts_read_out_the_way_a_vietnamese_clerk_writes_them(self) -> None:
        cases = {
            0: "Không", 1: "Một", 10: "Mười", 11: "Mười một", 14: "Mười bốn", 15: "Mười lăm",
            20: "Hai mươi", 21: "Hai mươi mốt", 24: "Hai mươi tư", 25: "Hai mươi lăm",
            105: "Một trăm linh năm", 110: "Một trăm mười", 1005: "Một nghìn không trăm linh năm",
            2024: "Hai nghìn không trăm hai mươi tư", 1_000_000: "Một triệu",
            18_450_000_000: "Mười tám tỷ bốn trăm năm mươi triệu",
        }  # fmt: skip
        for number, words in cases.items():
            with self.subTest(number=number):
                self.assertEqual(number_in_words(number), words)

    def test_numbers_out_of_range_stay_digits(self) -> None:
        self.assertEqual(number_in_words(10**12), "1.000.000.000.000")
        self.assertEqual(number_in_words(-3), "-3")

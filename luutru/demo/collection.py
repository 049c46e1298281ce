"""The demo province's first transfers: real packages, rendered and ingested on the spot.

Trainees should find dossiers whose documents open as real Vietnamese administrative
documents, not blank pages. So the seed writes two transfer packages the way agencies do —
Sở Tài chính as an Excel spreadsheet package, Văn phòng UBND tỉnh as CSV (UTF-8 with BOM) —
with born-digital PDF/A files rendered by WeasyPrint in the NĐ 30/2020 layout, and hands them
to the real pipeline (``receive_package`` + ``ingest``), and the demo archivist accepts each
transfer into the holdings (``accept_transfer``), as the archive does after checking it. What the
archive shows is therefore exactly what an ingest produces: records, stored files, page counts,
handover records and audit events.

Every name, number and person below is invented. Seeding is idempotent: a package whose
dossier codes already exist is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from luutru.accounts.models import User
from luutru.demo.province import PROVINCE
from luutru.ingest.actions import accept_transfer, ingest, receive_package
from luutru.ingest.models import TransferState
from luutru.lib.vietnamese import fold
from luutru.organizations.models import Agency
from luutru.records.models import Dossier

PLACE = "Sơn Nam"  # the dateline's place name: the province, for provincial agencies
RECEIVER = "luutruvien"  # the demo archivist, who accepts the packages into the holdings
CLERK = "vanthu"  # the demo clerk of Sở Tài chính, who hands over that agency's package
HEAD = "lanhdao"  # the archive's head, who accepts what the archivist handed over herself
PDF_VARIANT = "pdf/a-2b"  # what an archive asks agencies for
DOCUMENT_TYPES = {
    "02": "Quyết định",
    "07": "Thông báo",
    "10": "Kế hoạch",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "20": "Biên bản",
    "22": "Công văn",
    "26": "Giấy mời",
}
LETTER = "22"  # a Công văn has no title: its subject goes under the number, "V/v …"


class DemoCollectionError(RuntimeError):
    """A demo package was refused: the seed data, not the user, is wrong."""


# ---------------------------------------------------------------------------------------------
# What the documents say


@dataclass(frozen=True)
class Issuer:
    """The agency block at the top left: the superior agency (if any) over the issuer."""

    parent: str
    name: tuple[str, ...]
    full_name: str  # "Tên cơ quan, tổ chức ban hành" in the package


@dataclass(frozen=True)
class Signer:
    titles: tuple[str, ...]  # e.g. ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    name: str


@dataclass(frozen=True)
class Table:
    """A table of figures in the body; the first column is text, the others numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    unit: str = ""


Block = str | Table


@dataclass(frozen=True)
class Doc:
    """One document: its metadata row and its printed form are made from the same values.

    Body strings take a light markup: ``# `` a section heading, ``^ `` a centred bold line
    ("QUYẾT ĐỊNH:"), ``- `` a list item; legal bases ("Căn cứ …") come out in italics and
    "Điều N." in bold, as NĐ 30/2020 prints them.
    """

    type_code: str
    number: str
    notation: str
    day: dt.date
    issuer: Issuer
    subject: str
    body: tuple[Block, ...]
    signers: tuple[Signer, ...]
    recipients: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()  # Kính gửi
    authority: str = ""  # the issuing authority printed over a Quyết định's bases
    mode: str = ""  # the document's own access regime, when it differs from its dossier's

    @property
    def type_name(self) -> str:
        return DOCUMENT_TYPES[self.type_code]

    @property
    def summary(self) -> str:
        """Trích yếu as the register lists it."""
        if self.subject.startswith("V/v "):
            return "Về việc " + self.subject.removeprefix("V/v ")
        return self.subject

    def file_name(self, ordinal: int) -> str:
        """ASCII, as agency systems name files: 02_2718-QD-UBND.pdf."""
        return f"{ordinal:02d}_{self.number}-{fold(self.notation).upper()}.pdf"


@dataclass(frozen=True)
class DossierSpec:
    code: str
    title: str
    retention: str
    mode: str
    keywords: str
    made_by: str
    documents: tuple[Doc, ...]


@dataclass(frozen=True)
class PackageSpec:
    agency_code: str
    folder: str
    form: str  # "xlsx" | "csv"
    coded: bool  # coded fields as codes ("01") rather than labels ("Vĩnh viễn")
    dossiers: tuple[DossierSpec, ...]


STC = Issuer("UBND TỈNH SƠN NAM", ("SỞ TÀI CHÍNH",), f"Sở Tài chính {PROVINCE}")
UBND = Issuer("", ("ỦY BAN NHÂN DÂN", "TỈNH SƠN NAM"), f"Ủy ban nhân dân {PROVINCE}")
SGD = Issuer("UBND TỈNH SƠN NAM", ("SỞ GIÁO DỤC VÀ ĐÀO TẠO",), f"Sở Giáo dục và Đào tạo {PROVINCE}")
UBND_AUTHORITY = "ỦY BAN NHÂN DÂN TỈNH SƠN NAM"

STC_DIRECTOR = Signer(("GIÁM ĐỐC",), "Đỗ Văn Khánh")
STC_DEPUTY = Signer(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Lương Thị Thanh Hà")
CHAIRMAN = Signer(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "Trịnh Quốc Bảo")
VICE_CHAIRMAN = Signer(("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Mai Xuân Hòa")
OFFICE_CHIEF = Signer(("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), "Nguyễn Hữu Tâm")
SGD_DIRECTOR = Signer(("GIÁM ĐỐC",), "Phan Thị Ngọc Lan")

LAW_LOCAL_GOVERNMENT = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
    "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
    "22 tháng 11 năm 2019;"
)
LAW_BUDGET = "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;"
ALL_DEPARTMENTS = (
    "- Các sở, ban, ngành, đoàn thể cấp tỉnh;",
    "- Ủy ban nhân dân các huyện, thành phố.",
)

BUDGET_2024 = DossierSpec(
    code="000.00.03.H62.2023.01",
    title=f"Hồ sơ về việc xây dựng và giao dự toán ngân sách nhà nước năm 2024 {PROVINCE}",
    retention="Vĩnh viễn",
    mode="Công khai",
    keywords="ngân sách; dự toán",
    made_by="Vương Thị Mai",
    documents=(
        Doc(
            "22", "1245", "STC-QLNS", dt.date(2023, 7, 14), STC,
            "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2024",
            addressees=ALL_DEPARTMENTS,
            body=(
                "Thực hiện hướng dẫn của Bộ Tài chính về xây dựng dự toán ngân sách nhà nước "
                "năm 2024 và kế hoạch tài chính - ngân sách nhà nước 03 năm 2024 - 2026, theo "
                "chỉ đạo của Ủy ban nhân dân tỉnh, Sở Tài chính hướng dẫn các cơ quan, đơn vị "
                "xây dựng dự toán năm 2024 như sau:",
                "1. Dự toán thu ngân sách được xây dựng tích cực, sát thực tế, trên cơ sở đánh "
                "giá đầy đủ kết quả thực hiện năm 2023, dự báo tình hình sản xuất, kinh doanh "
                "năm 2024 và các chính sách thu mới có hiệu lực thi hành.",
                "2. Dự toán chi thường xuyên bảo đảm kinh phí thực hiện các chế độ, chính sách "
                "đã ban hành; triệt để tiết kiệm, không bố trí kinh phí cho các nhiệm vụ chưa "
                "thật sự cấp thiết; các đơn vị sự nghiệp công lập chủ động sử dụng nguồn thu "
                "để thực hiện lộ trình tự chủ tài chính.",
                "3. Các cơ quan, đơn vị gửi báo cáo dự toán kèm thuyết minh chi tiết theo biểu "
                "mẫu về Sở Tài chính trước ngày 05 tháng 8 năm 2023 để tổng hợp, báo cáo Ủy "
                "ban nhân dân tỉnh. Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên "
                "hệ Phòng Quản lý ngân sách để được hướng dẫn./.",
            ),
            signers=(STC_DEPUTY,),
            recipients=("Như trên;", "UBND tỉnh (để b/c);", "Giám đốc Sở;",
                        "Lưu: VT, QLNS."),
        ),
        Doc(
            "14", "312", "BC-STC", dt.date(2023, 10, 20), STC,
            "Tình hình thực hiện dự toán ngân sách nhà nước năm 2023 và dự kiến dự toán "
            "năm 2024",
            body=(
                "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Tài chính báo cáo tình hình "
                "thực hiện dự toán ngân sách nhà nước năm 2023 và dự kiến dự toán năm 2024 "
                "như sau:",
                "# I. TÌNH HÌNH THỰC HIỆN DỰ TOÁN NĂM 2023",
                "1. Thu ngân sách nhà nước: tổng thu trên địa bàn 9 tháng đầu năm đạt 7.482 "
                "tỷ đồng, bằng 76,3% dự toán Hội đồng nhân dân tỉnh giao, tăng 8,1% so với "
                "cùng kỳ; ước cả năm đạt 10.150 tỷ đồng, vượt 3,5% dự toán.",
                "2. Chi ngân sách địa phương: 9 tháng đầu năm chi 11.236 tỷ đồng, bằng 68,9% "
                "dự toán. Tiến độ giải ngân vốn đầu tư công còn chậm ở một số dự án do vướng "
                "mắc trong công tác giải phóng mặt bằng.",
                Table(
                    ("Chỉ tiêu", "Dự toán 2023", "Ước thực hiện 2023", "Dự kiến 2024"),
                    (
                        ("Tổng thu ngân sách nhà nước trên địa bàn", "9.807", "10.150", "10.620"),
                        ("- Thu nội địa", "8.950", "9.240", "9.710"),
                        ("- Thu từ hoạt động xuất nhập khẩu", "857", "910", "910"),
                        ("Tổng chi ngân sách địa phương", "16.310", "16.045", "16.980"),
                        ("- Chi đầu tư phát triển", "5.620", "5.480", "5.900"),
                        ("- Chi thường xuyên", "10.360", "10.245", "10.730"),
                        ("- Dự phòng ngân sách", "330", "320", "350"),
                    ),
                    unit="Đơn vị tính: tỷ đồng",
                ),
                "# II. DỰ KIẾN DỰ TOÁN NĂM 2024",
                "Trên cơ sở đánh giá tình hình thực hiện năm 2023 và dự báo tăng trưởng kinh "
                "tế, dự kiến tổng thu ngân sách nhà nước trên địa bàn năm 2024 là 10.620 tỷ "
                "đồng, tăng 4,6% so với ước thực hiện năm 2023; tổng chi ngân sách địa phương "
                "16.980 tỷ đồng, trong đó ưu tiên bố trí vốn cho các công trình trọng điểm và "
                "kinh phí thực hiện cải cách tiền lương.",
                "# III. KIẾN NGHỊ",
                "Sở Tài chính kính đề nghị Ủy ban nhân dân tỉnh chỉ đạo các cơ quan thu tăng "
                "cường chống thất thu, xử lý nợ đọng thuế; các chủ đầu tư đẩy nhanh tiến độ "
                "giải ngân vốn đầu tư công trong quý IV năm 2023./.",
            ),
            signers=(STC_DIRECTOR,),
            recipients=("UBND tỉnh (để b/c);", "Sở Kế hoạch và Đầu tư;", "Cục Thuế tỉnh;",
                        "Lưu: VT, QLNS."),
        ),
        Doc(
            "15", "356", "TTr-STC", dt.date(2023, 11, 16), STC,
            "Về dự toán thu, chi ngân sách nhà nước và phương án phân bổ ngân sách địa "
            "phương năm 2024",
            addressees=("Ủy ban nhân dân tỉnh Sơn Nam.",),
            body=(
                LAW_BUDGET,
                "Căn cứ ý kiến thảo luận của các cơ quan, đơn vị và khả năng cân đối ngân sách "
                "năm 2024, Sở Tài chính kính trình Ủy ban nhân dân tỉnh dự toán thu, chi ngân "
                "sách nhà nước năm 2024 như sau:",
                "1. Tổng thu ngân sách nhà nước trên địa bàn: 10.620 tỷ đồng; trong đó thu nội "
                "địa 9.710 tỷ đồng, thu từ hoạt động xuất nhập khẩu 910 tỷ đồng.",
                "2. Tổng chi ngân sách địa phương: 16.980 tỷ đồng; trong đó chi đầu tư phát "
                "triển 5.900 tỷ đồng, chi thường xuyên 10.730 tỷ đồng, dự phòng ngân sách 350 "
                "tỷ đồng.",
                "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, trình Hội đồng nhân dân "
                "tỉnh quyết định tại kỳ họp thường lệ cuối năm 2023./.",
            ),
            signers=(STC_DIRECTOR,),
            recipients=("Như trên;", "Các Phó Giám đốc Sở;", "Lưu: VT, QLNS."),
        ),
        Doc(
            "02", "2718", "QĐ-UBND", dt.date(2023, 12, 12), UBND,
            "Về việc giao dự toán thu, chi ngân sách nhà nước năm 2024",
            authority=UBND_AUTHORITY,
            body=(
                LAW_LOCAL_GOVERNMENT,
                LAW_BUDGET,
                "Căn cứ Nghị quyết số 48/NQ-HĐND ngày 08 tháng 12 năm 2023 của Hội đồng nhân "
                "dân tỉnh về dự toán ngân sách nhà nước năm 2024;",
                "Theo đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 356/TTr-STC ngày 16 "
                "tháng 11 năm 2023.",
                "^ QUYẾT ĐỊNH:",
                "Điều 1. Giao dự toán thu, chi ngân sách nhà nước năm 2024 cho các sở, ban, "
                "ngành, đoàn thể cấp tỉnh và Ủy ban nhân dân các huyện, thành phố (chi tiết "
                "theo các biểu kèm theo), với tổng thu ngân sách nhà nước trên địa bàn 10.620 "
                "tỷ đồng và tổng chi ngân sách địa phương 16.980 tỷ đồng.",
                "Điều 2. Thủ trưởng các cơ quan, đơn vị được giao dự toán có trách nhiệm phân "
                "bổ, giao dự toán cho các đơn vị trực thuộc trước ngày 31 tháng 12 năm 2023; "
                "tổ chức thực hiện dự toán và công khai ngân sách theo quy định của pháp luật.",
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân "
                "dân tỉnh, Giám đốc Sở Tài chính, Giám đốc Kho bạc Nhà nước tỉnh, thủ trưởng "
                "các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            ),
            signers=(CHAIRMAN,),
            recipients=("Như Điều 3;", "Bộ Tài chính;", "TT Tỉnh ủy, TT HĐND tỉnh;",
                        "Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, KT."),
        ),
    ),
)  # fmt: skip

SETTLEMENT_2023 = DossierSpec(
    code="000.00.03.H62.2024.01",
    title=f"Hồ sơ về việc quyết toán ngân sách địa phương năm 2023 {PROVINCE}",
    retention="Vĩnh viễn",
    mode="Công khai",
    keywords="ngân sách; quyết toán",
    made_by="Vương Thị Mai",
    documents=(
        Doc(
            "22", "215", "STC-QLNS", dt.date(2024, 2, 20), STC,
            "V/v khóa sổ kế toán và lập báo cáo quyết toán ngân sách năm 2023",
            addressees=ALL_DEPARTMENTS,
            body=(
                "Để bảo đảm việc khóa sổ kế toán và lập báo cáo quyết toán ngân sách nhà nước "
                "năm 2023 đúng quy định, Sở Tài chính đề nghị các cơ quan, đơn vị thực hiện "
                "một số nội dung sau:",
                "1. Đối chiếu số dư tài khoản tiền gửi, dự toán còn lại với Kho bạc Nhà nước; "
                "xử lý dứt điểm các khoản tạm ứng đã đủ thủ tục thanh toán trước khi khóa sổ.",
                "2. Lập báo cáo quyết toán năm 2023 theo đúng mẫu biểu, thuyết minh rõ nguyên "
                "nhân tăng, giảm so với dự toán được giao và gửi về Sở Tài chính trước ngày "
                "31 tháng 3 năm 2024.",
                "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
            ),
            signers=(STC_DEPUTY,),
            recipients=("Như trên;", "Kho bạc Nhà nước tỉnh;", "Lưu: VT, QLNS."),
        ),
        Doc(
            "20", "14", "BB-STC", dt.date(2024, 5, 14), STC,
            "Thẩm định quyết toán ngân sách năm 2023 của Sở Y tế",
            body=(
                "Hôm nay, vào hồi 08 giờ 30 phút ngày 14 tháng 5 năm 2024, tại trụ sở Sở Y tế "
                f"{PROVINCE}, Đoàn thẩm định của Sở Tài chính tiến hành thẩm định báo cáo "
                "quyết toán ngân sách năm 2023 của Sở Y tế.",
                "# I. THÀNH PHẦN",
                "- Đại diện Sở Tài chính: bà Vương Thị Mai, Trưởng phòng Quản lý ngân sách, "
                "Trưởng đoàn; ông Lý Văn Thành, chuyên viên.",
                "- Đại diện Sở Y tế: ông Hà Minh Tuấn, Giám đốc Sở; bà Tạ Thị Liên, Kế toán "
                "trưởng.",
                "# II. NỘI DUNG THẨM ĐỊNH",
                "Tổng dự toán được giao năm 2023 là 186.420 triệu đồng; số đề nghị quyết toán "
                "181.975 triệu đồng; số kinh phí còn lại chuyển nguồn sang năm 2024 là 3.120 "
                "triệu đồng; số hủy dự toán 1.325 triệu đồng. Chứng từ chi đầy đủ, hợp lệ; "
                "một số khoản chi hội nghị chưa đúng định mức, đề nghị xuất toán 46 triệu đồng.",
                "# III. KẾT LUẬN",
                "Thống nhất số quyết toán năm 2023 của Sở Y tế là 181.929 triệu đồng. Biên bản "
                "kết thúc vào hồi 11 giờ 00 cùng ngày, đã được đọc lại cho các thành viên cùng "
                "nghe và thống nhất ký tên./.",
            ),
            signers=(
                Signer(("ĐẠI DIỆN SỞ Y TẾ", "GIÁM ĐỐC"), "Hà Minh Tuấn"),
                Signer(("ĐẠI DIỆN SỞ TÀI CHÍNH", "TRƯỞNG ĐOÀN"), "Vương Thị Mai"),
            ),
        ),
        Doc(
            "14", "98", "BC-STC", dt.date(2024, 6, 10), STC,
            "Quyết toán thu, chi ngân sách địa phương năm 2023",
            body=(
                "Trên cơ sở báo cáo quyết toán của các cơ quan, đơn vị và kết quả thẩm định, "
                "Sở Tài chính báo cáo quyết toán thu, chi ngân sách địa phương năm 2023 như "
                "sau:",
                Table(
                    ("Chỉ tiêu", "Dự toán", "Quyết toán", "Tỷ lệ (%)"),
                    (
                        ("Tổng thu ngân sách nhà nước trên địa bàn", "9.807", "10.236", "104,4"),
                        ("- Thu nội địa", "8.950", "9.318", "104,1"),
                        ("- Thu từ hoạt động xuất nhập khẩu", "857", "918", "107,1"),
                        ("Tổng chi ngân sách địa phương", "16.310", "15.962", "97,9"),
                        ("- Chi đầu tư phát triển", "5.620", "5.437", "96,7"),
                        ("- Chi thường xuyên", "10.360", "10.298", "99,4"),
                        ("- Chi từ nguồn dự phòng ngân sách", "330", "227", "68,8"),
                    ),
                    unit="Đơn vị tính: tỷ đồng",
                ),
                "Thu ngân sách vượt dự toán chủ yếu nhờ thu tiền sử dụng đất và thu từ khu vực "
                "doanh nghiệp ngoài quốc doanh tăng. Chi đầu tư phát triển chưa đạt dự toán do "
                "03 dự án chậm giải phóng mặt bằng, số vốn còn lại được chuyển nguồn sang năm "
                "2024 theo quy định.",
                "Sở Tài chính kính báo cáo Ủy ban nhân dân tỉnh xem xét, trình Hội đồng nhân "
                "dân tỉnh phê chuẩn./.",
            ),
            signers=(STC_DIRECTOR,),
            recipients=("UBND tỉnh (để b/c);", "Kiểm toán nhà nước khu vực;",
                        "Lưu: VT, QLNS."),
        ),
        Doc(
            "15", "245", "TTr-STC", dt.date(2024, 7, 15), STC,
            "Về việc phê chuẩn tổng quyết toán ngân sách địa phương năm 2023",
            addressees=("Ủy ban nhân dân tỉnh Sơn Nam.",),
            body=(
                LAW_BUDGET,
                "Căn cứ Báo cáo số 98/BC-STC ngày 10 tháng 6 năm 2024 của Sở Tài chính về "
                "quyết toán thu, chi ngân sách địa phương năm 2023;",
                "Sở Tài chính kính trình Ủy ban nhân dân tỉnh trình Hội đồng nhân dân tỉnh phê "
                "chuẩn tổng quyết toán ngân sách địa phương năm 2023 với tổng thu ngân sách nhà "
                "nước trên địa bàn 10.236 tỷ đồng, tổng chi ngân sách địa phương 15.962 tỷ "
                "đồng.",
                "Kính trình Ủy ban nhân dân tỉnh xem xét, quyết định./.",
            ),
            signers=(STC_DIRECTOR,),
            recipients=("Như trên;", "Lưu: VT, QLNS."),
        ),
    ),
)  # fmt: skip

SCHOOL_EQUIPMENT = DossierSpec(
    code="000.00.03.H62.2024.02",
    title="Hồ sơ về việc bổ sung dự toán kinh phí năm 2024 cho Sở Giáo dục và Đào tạo để mua "
    "sắm thiết bị dạy học",
    retention="20 năm",
    mode="Công khai",
    keywords="bổ sung dự toán; giáo dục",
    made_by="Lý Văn Thành",
    documents=(
        Doc(
            "22", "456", "SGDĐT-KHTC", dt.date(2024, 3, 5), SGD,
            "V/v đề nghị bổ sung kinh phí mua sắm thiết bị dạy học tối thiểu lớp 9",
            addressees=("Sở Tài chính tỉnh Sơn Nam.",),
            body=(
                "Thực hiện lộ trình đổi mới chương trình, sách giáo khoa giáo dục phổ thông, "
                "năm học 2024 - 2025 các trường trung học cơ sở trên địa bàn tỉnh triển khai "
                "chương trình mới đối với lớp 9. Qua rà soát, 126 trường còn thiếu thiết bị "
                "dạy học tối thiểu theo danh mục quy định.",
                "Sở Giáo dục và Đào tạo đề nghị Sở Tài chính tham mưu Ủy ban nhân dân tỉnh bổ "
                "sung kinh phí năm 2024 là 18.450 triệu đồng để mua sắm thiết bị dạy học tối "
                "thiểu lớp 9 (có dự toán chi tiết kèm theo).",
                "Rất mong nhận được sự quan tâm, phối hợp của Sở Tài chính./.",
            ),
            signers=(SGD_DIRECTOR,),
            recipients=("Như trên;", "UBND tỉnh (để b/c);", "Lưu: VT, KHTC."),
        ),
        Doc(
            "15", "88", "TTr-STC", dt.date(2024, 3, 28), STC,
            "Về việc bổ sung dự toán kinh phí năm 2024 cho Sở Giáo dục và Đào tạo",
            addressees=("Ủy ban nhân dân tỉnh Sơn Nam.",),
            body=(
                "Căn cứ Quyết định số 2718/QĐ-UBND ngày 12 tháng 12 năm 2023 của Ủy ban nhân "
                "dân tỉnh về việc giao dự toán thu, chi ngân sách nhà nước năm 2024;",
                "Xét đề nghị của Sở Giáo dục và Đào tạo tại Công văn số 456/SGDĐT-KHTC ngày 05 "
                "tháng 3 năm 2024,",
                "Sau khi thẩm định, Sở Tài chính thống nhất nhu cầu mua sắm thiết bị dạy học "
                "tối thiểu lớp 9 cho 126 trường trung học cơ sở với tổng kinh phí 18.450 triệu "
                "đồng, từ nguồn dự phòng ngân sách tỉnh năm 2024.",
                "Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, quyết định./.",
            ),
            signers=(STC_DEPUTY,),
            recipients=("Như trên;", "Sở Giáo dục và Đào tạo;", "Lưu: VT, HCSN."),
        ),
        Doc(
            "02", "812", "QĐ-UBND", dt.date(2024, 4, 15), UBND,
            "Về việc bổ sung dự toán kinh phí năm 2024 cho Sở Giáo dục và Đào tạo",
            authority=UBND_AUTHORITY,
            body=(
                LAW_LOCAL_GOVERNMENT,
                LAW_BUDGET,
                "Theo đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 88/TTr-STC ngày 28 "
                "tháng 3 năm 2024.",
                "^ QUYẾT ĐỊNH:",
                "Điều 1. Bổ sung dự toán kinh phí năm 2024 cho Sở Giáo dục và Đào tạo số tiền "
                "18.450 triệu đồng (Mười tám tỷ, bốn trăm năm mươi triệu đồng) từ nguồn dự "
                "phòng ngân sách tỉnh, để mua sắm thiết bị dạy học tối thiểu lớp 9.",
                "Điều 2. Sở Giáo dục và Đào tạo có trách nhiệm sử dụng kinh phí đúng mục đích, "
                "tổ chức mua sắm theo quy định của pháp luật về đấu thầu và thanh quyết toán "
                "với Kho bạc Nhà nước tỉnh.",
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân "
                "dân tỉnh, Giám đốc các sở: Tài chính, Giáo dục và Đào tạo, Giám đốc Kho bạc "
                "Nhà nước tỉnh chịu trách nhiệm thi hành Quyết định này./.",
            ),
            signers=(VICE_CHAIRMAN,),
            recipients=("Như Điều 3;", "Chủ tịch UBND tỉnh;", "Lưu: VT, KT."),
        ),
    ),
)  # fmt: skip

MEETING_JUNE = DossierSpec(
    code="000.00.01.H62.2024.01",
    title="Hồ sơ phiên họp thường kỳ tháng 6 năm 2024 của Ủy ban nhân dân tỉnh",
    retention="01",  # Vĩnh viễn
    mode="02",  # Sử dụng có điều kiện: the minutes record opinions before decisions
    keywords="phiên họp thường kỳ",
    made_by="Bùi Thu Trang",
    documents=(
        Doc(
            "26", "145", "GM-UBND", dt.date(2024, 6, 14), UBND,
            "Dự phiên họp thường kỳ tháng 6 năm 2024 của Ủy ban nhân dân tỉnh",
            mode="01",
            body=(
                "Ủy ban nhân dân tỉnh trân trọng kính mời các thành viên Ủy ban nhân dân tỉnh; "
                "Giám đốc các sở, thủ trưởng các ban, ngành cấp tỉnh; Chủ tịch Ủy ban nhân dân "
                "các huyện, thành phố dự phiên họp thường kỳ tháng 6 năm 2024.",
                "- Thời gian: 01 ngày, bắt đầu từ 07 giờ 30 phút, thứ Năm, ngày 20 tháng 6 năm "
                "2024.",
                "- Địa điểm: Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh.",
                "- Nội dung: đánh giá tình hình kinh tế - xã hội 6 tháng đầu năm; cho ý kiến "
                "về các dự thảo nghị quyết trình kỳ họp giữa năm của Hội đồng nhân dân tỉnh.",
                "Tài liệu phiên họp được đăng trên Hệ thống thông tin phục vụ họp không giấy "
                "của tỉnh. Rất mong các đồng chí tham dự đầy đủ, đúng giờ./.",
            ),
            signers=(OFFICE_CHIEF,),
            recipients=("Như trên;", "Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, TH."),
        ),
        Doc(
            "20", "12", "BB-UBND", dt.date(2024, 6, 20), UBND,
            "Phiên họp thường kỳ tháng 6 năm 2024",
            mode="02",
            body=(
                "Vào hồi 07 giờ 30 phút ngày 20 tháng 6 năm 2024, tại Phòng họp số 1, trụ sở "
                "Ủy ban nhân dân tỉnh, Ủy ban nhân dân tỉnh tổ chức phiên họp thường kỳ tháng "
                "6 năm 2024.",
                "# I. THÀNH PHẦN",
                "- Chủ trì: ông Trịnh Quốc Bảo, Chủ tịch Ủy ban nhân dân tỉnh.",
                "- Tham dự: các Phó Chủ tịch, các Ủy viên Ủy ban nhân dân tỉnh; đại diện "
                "Thường trực Hội đồng nhân dân tỉnh; Giám đốc các sở, thủ trưởng các ban, "
                "ngành; Chủ tịch Ủy ban nhân dân các huyện, thành phố.",
                "- Thư ký: bà Bùi Thu Trang, chuyên viên Văn phòng Ủy ban nhân dân tỉnh.",
                "# II. NỘI DUNG",
                "1. Giám đốc Sở Kế hoạch và Đầu tư báo cáo tình hình kinh tế - xã hội 6 tháng "
                "đầu năm 2024: tổng sản phẩm trên địa bàn tăng 7,2% so với cùng kỳ; thu ngân "
                "sách nhà nước đạt 54,6% dự toán; giải ngân vốn đầu tư công đạt 41,3% kế "
                "hoạch, cao hơn bình quân chung của cả nước.",
                "2. Giám đốc Sở Tư pháp trình bày 04 dự thảo nghị quyết trình kỳ họp giữa năm "
                "của Hội đồng nhân dân tỉnh. Các thành viên thảo luận, đề nghị làm rõ nguồn "
                "kinh phí thực hiện chính sách hỗ trợ học phí và mức hỗ trợ đối với cán bộ "
                "không chuyên trách ở thôn, tổ dân phố.",
                "3. Ý kiến thảo luận: các đại biểu thống nhất đánh giá kết quả 6 tháng đầu "
                "năm; đề nghị tập trung tháo gỡ vướng mắc trong giải phóng mặt bằng các dự án "
                "giao thông trọng điểm, tăng cường phòng, chống thiên tai mùa mưa bão và chuẩn "
                "bị tốt các điều kiện cho năm học mới.",
                "# III. KẾT LUẬN CỦA CHỦ TRÌ",
                "Chủ tịch Ủy ban nhân dân tỉnh kết luận các nội dung; giao Văn phòng Ủy ban "
                "nhân dân tỉnh ban hành thông báo kết luận để các cơ quan, đơn vị tổ chức thực "
                "hiện. Phiên họp kết thúc vào hồi 16 giờ 45 phút cùng ngày./.",
            ),
            signers=(
                Signer(("THƯ KÝ",), "Bùi Thu Trang"),
                Signer(("CHỦ TRÌ", "CHỦ TỊCH UBND TỈNH"), "Trịnh Quốc Bảo"),
            ),
        ),
        Doc(
            "07", "198", "TB-UBND", dt.date(2024, 6, 24), UBND,
            "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại phiên họp thường kỳ tháng 6 năm "
            "2024",
            mode="01",
            body=(
                "Ngày 20 tháng 6 năm 2024, Ủy ban nhân dân tỉnh tổ chức phiên họp thường kỳ "
                "tháng 6 năm 2024 dưới sự chủ trì của đồng chí Trịnh Quốc Bảo, Chủ tịch Ủy ban "
                "nhân dân tỉnh. Sau khi nghe báo cáo và ý kiến thảo luận của các đại biểu, Chủ "
                "tịch Ủy ban nhân dân tỉnh kết luận như sau:",
                "1. Các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố tập trung hoàn "
                "thành các chỉ tiêu kinh tế - xã hội năm 2024; đẩy nhanh giải ngân vốn đầu tư "
                "công, phấn đấu đến ngày 30 tháng 9 năm 2024 đạt trên 70% kế hoạch.",
                "2. Giao Sở Tư pháp chủ trì, phối hợp với Sở Tài chính hoàn thiện các dự thảo "
                "nghị quyết theo ý kiến thảo luận, trình Ủy ban nhân dân tỉnh trước ngày 01 "
                "tháng 7 năm 2024.",
                "3. Giao Ban Chỉ huy Phòng, chống thiên tai và tìm kiếm cứu nạn tỉnh chủ động "
                "phương án ứng phó mưa bão, bảo đảm an toàn hồ đập trong mùa mưa năm 2024.",
                "Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực "
                "hiện./.",
            ),
            signers=(OFFICE_CHIEF,),
            recipients=("Các sở, ban, ngành tỉnh;", "UBND các huyện, thành phố;",
                        "Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, TH."),
        ),
    ),
)  # fmt: skip

REFORM_INSPECTION = DossierSpec(
    code="000.00.01.H62.2024.02",
    title="Hồ sơ về việc kiểm tra công tác cải cách hành chính năm 2024 tại các sở, ban, "
    "ngành và Ủy ban nhân dân các huyện, thành phố",
    retention="06",  # 10 năm
    mode="01",  # Công khai
    keywords="cải cách hành chính; kiểm tra",
    made_by="Đinh Công Luận",
    documents=(
        Doc(
            "10", "52", "KH-UBND", dt.date(2024, 3, 5), UBND,
            "Kiểm tra công tác cải cách hành chính năm 2024",
            body=(
                "# I. MỤC ĐÍCH, YÊU CẦU",
                "Đánh giá thực chất kết quả triển khai nhiệm vụ cải cách hành chính tại các cơ "
                "quan, đơn vị; kịp thời phát hiện, chấn chỉnh những tồn tại, hạn chế, nhất là "
                "trong giải quyết thủ tục hành chính và cung cấp dịch vụ công trực tuyến. Việc "
                "kiểm tra bảo đảm khách quan, không gây cản trở hoạt động của cơ quan, đơn vị.",
                "# II. NỘI DUNG, ĐỐI TƯỢNG VÀ THỜI GIAN",
                "- Nội dung: công tác chỉ đạo, điều hành cải cách hành chính; cải cách thủ tục "
                "hành chính; thực hiện cơ chế một cửa, một cửa liên thông; chuyển đổi số và "
                "lưu trữ hồ sơ điện tử.",
                "- Đối tượng: 08 sở, ban, ngành và 04 Ủy ban nhân dân huyện, thành phố (có danh "
                "sách kèm theo).",
                "- Thời gian: từ tháng 4 đến hết tháng 10 năm 2024.",
                "# III. TỔ CHỨC THỰC HIỆN",
                "Sở Nội vụ là cơ quan thường trực, tham mưu thành lập Đoàn kiểm tra, xây dựng "
                "lịch kiểm tra và tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 15 "
                "tháng 11 năm 2024./.",
            ),
            signers=(VICE_CHAIRMAN,),
            recipients=("Bộ Nội vụ;", "TT Tỉnh ủy, TT HĐND tỉnh;", "Các sở, ban, ngành;",
                        "UBND các huyện, thành phố;", "Lưu: VT, NC."),
        ),
        Doc(
            "02", "356", "QĐ-UBND", dt.date(2024, 3, 12), UBND,
            "Về việc thành lập Đoàn kiểm tra công tác cải cách hành chính năm 2024",
            authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN NAM",
            body=(
                LAW_LOCAL_GOVERNMENT,
                "Căn cứ Kế hoạch số 52/KH-UBND ngày 05 tháng 3 năm 2024 của Ủy ban nhân dân "
                "tỉnh về kiểm tra công tác cải cách hành chính năm 2024;",
                "Theo đề nghị của Giám đốc Sở Nội vụ.",
                "^ QUYẾT ĐỊNH:",
                "Điều 1. Thành lập Đoàn kiểm tra công tác cải cách hành chính năm 2024 gồm 07 "
                "thành viên, do đồng chí Mai Xuân Hòa, Phó Chủ tịch Ủy ban nhân dân tỉnh làm "
                "Trưởng đoàn; Phó Giám đốc Sở Nội vụ làm Phó Trưởng đoàn thường trực.",
                "Điều 2. Đoàn kiểm tra thực hiện nhiệm vụ theo Kế hoạch số 52/KH-UBND; Đoàn "
                "được sử dụng con dấu của Ủy ban nhân dân tỉnh và tự giải thể sau khi hoàn "
                "thành nhiệm vụ.",
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân "
                "dân tỉnh, Giám đốc Sở Nội vụ, các thành viên Đoàn kiểm tra và thủ trưởng các "
                "cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            ),
            signers=(Signer(("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Mai Xuân Hòa"),),
            recipients=("Như Điều 3;", "Chủ tịch UBND tỉnh;", "Lưu: VT, NC."),
        ),
        Doc(
            "14", "287", "BC-UBND", dt.date(2024, 11, 15), UBND,
            "Kết quả kiểm tra công tác cải cách hành chính năm 2024",
            body=(
                "Thực hiện Kế hoạch số 52/KH-UBND ngày 05 tháng 3 năm 2024, từ tháng 4 đến "
                "tháng 10 năm 2024, Đoàn kiểm tra đã kiểm tra 12 cơ quan, đơn vị. Ủy ban nhân "
                "dân tỉnh báo cáo kết quả như sau:",
                "# I. KẾT QUẢ ĐẠT ĐƯỢC",
                "Các cơ quan, đơn vị ban hành kế hoạch cải cách hành chính đúng thời hạn; tỷ lệ "
                "hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 98,7%; tỷ lệ hồ sơ trực tuyến "
                "toàn trình đạt 62,4%; 100% văn bản đi được ký số và lập hồ sơ điện tử.",
                Table(
                    ("Cơ quan, đơn vị", "Hồ sơ đúng hạn (%)", "Trực tuyến (%)", "Điểm tự chấm"),
                    (
                        ("Sở Tư pháp", "99,6", "78,1", "91,25"),
                        ("Sở Tài chính", "99,2", "71,5", "89,60"),
                        ("Sở Xây dựng", "97,8", "58,3", "84,10"),
                        ("UBND huyện Gia Viễn", "98,1", "49,7", "82,75"),
                    ),
                ),
                "# II. TỒN TẠI, HẠN CHẾ",
                "Một số đơn vị chưa số hóa đầy đủ kết quả giải quyết thủ tục hành chính; việc "
                "lập hồ sơ điện tử và nộp lưu vào Lưu trữ lịch sử tỉnh còn chậm so với quy "
                "định.",
                "# III. KIẾN NGHỊ",
                "Đề nghị các cơ quan, đơn vị khắc phục các tồn tại trước ngày 31 tháng 12 năm "
                "2024 và báo cáo kết quả về Sở Nội vụ để tổng hợp./.",
            ),
            signers=(VICE_CHAIRMAN,),
            recipients=("Bộ Nội vụ;", "TT Tỉnh ủy, TT HĐND tỉnh;", "Chủ tịch UBND tỉnh;",
                        "Lưu: VT, NC."),
        ),
    ),
)  # fmt: skip

PACKAGES = (
    PackageSpec(
        "000.00.03.H62", "SoTaiChinh_NopLuu_2023-2024", "xlsx", coded=False,
        dossiers=(BUDGET_2024, SETTLEMENT_2023, SCHOOL_EQUIPMENT),
    ),
    PackageSpec(
        "000.00.01.H62", "VPUBND_NopLuu_2024", "csv", coded=True,
        dossiers=(MEETING_JUNE, REFORM_INSPECTION),
    ),
)  # fmt: skip
DOSSIER_CODES = [d.code for p in PACKAGES for d in p.dossiers]


# ---------------------------------------------------------------------------------------------
# Rendering: NĐ 30/2020 layout (Phụ lục I), as born-digital PDF/A

CSS = """
@page {
  size: A4;
  margin: 20mm 15mm 20mm 30mm;
  @top-center { content: counter(page); font-family: "Noto Serif", "DejaVu Serif";
                font-size: 11pt; }
}
@page :first { @top-center { content: none; } }
html { font-family: "Noto Serif", "DejaVu Serif", serif; font-size: 12.5pt; line-height: 1.3;
       color: #000; }
body { margin: 0; }
p { margin: 0; }
table.head { width: 100%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; padding: 0; }
td.agency { width: 42%; font-size: 12pt; }
.agency .name { font-weight: bold; }
.nation { font-weight: bold; font-size: 11.5pt; white-space: nowrap; }
.motto { font-weight: bold; font-size: 12.5pt; display: inline-block; padding-bottom: 1pt;
         border-bottom: 0.7pt solid #000; }
.rule { width: 36%; margin: 2pt auto 0 auto; border-top: 0.7pt solid #000; }
td.number { padding-top: 7pt !important; font-size: 12pt; }
.vv { font-size: 11pt; padding: 2pt 4pt 0 4pt; line-height: 1.2; }
td.dateline { padding-top: 7pt !important; font-style: italic; font-size: 12pt; }
h1 { font-size: 13pt; text-align: center; margin: 18pt 0 0 0; }
.subject { font-weight: bold; text-align: center; margin: 0 8%; }
.subject + .rule { width: 22%; margin-top: 5pt; }
.authority { font-weight: bold; text-align: center; margin: 12pt 0 8pt 0; }
table.to { margin: 14pt auto 6pt auto; border-collapse: collapse; }
table.to td { padding: 0 0 0 4pt; vertical-align: top; }
table.to td.label { white-space: nowrap; }
.body { margin-top: 12pt; }
.body p { text-align: justify; text-indent: 10mm; margin-bottom: 5pt; }
.body p.basis { font-style: italic; }
.body p.heading { font-weight: bold; }
.body p.center { text-align: center; text-indent: 0; font-weight: bold; margin: 8pt 0; }
.body p.item { text-indent: 10mm; }
.unit { text-align: right; font-style: italic; font-size: 11pt; margin: 2pt 0 2pt 0; }
table.data { width: 100%; border-collapse: collapse; font-size: 11pt; margin: 0 0 8pt 0;
             line-height: 1.25; }
table.data th, table.data td { border: 0.5pt solid #000; padding: 2pt 4pt; }
table.data th { text-align: center; }
table.data td.num { text-align: right; white-space: nowrap; }
table.data tr.total td { font-weight: bold; }
/* The signature keeps the last lines of the text with it, as a typist would arrange. */
table.end { width: 100%; margin-top: 12pt; border-collapse: collapse; break-inside: avoid;
            break-before: avoid; }
table.end td { vertical-align: top; padding: 0; width: 50%; }
td.recipients { font-size: 11pt; line-height: 1.25; }
td.recipients .label { font-weight: bold; font-style: italic; font-size: 12pt; }
td.sign { text-align: center; font-weight: bold; }
td.signed { height: 22mm; text-align: center; vertical-align: middle !important;
            font-style: italic; font-size: 11pt; color: #333; }
"""


def long_date(day: dt.date) -> str:
    """'ngày 05 tháng 3 năm 2024': NĐ 30 pads days below 10 and the months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _lines(lines: tuple[str, ...] | list[str], css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return "".join(f"<div{attr}>{escape(line)}</div>" for line in lines)


def _paragraph(text: str) -> str:
    if text.startswith("# "):
        return f'<p class="heading">{escape(text[2:])}</p>'
    if text.startswith("^ "):
        return f'<p class="center">{escape(text[2:])}</p>'
    if text.startswith("- "):
        return f'<p class="item">{escape(text)}</p>'
    if text.startswith(("Căn cứ", "Theo đề nghị", "Xét đề nghị")):
        return f'<p class="basis">{escape(text)}</p>'
    if text.startswith("Điều ") and ". " in text[:10]:
        lead, rest = text.split(". ", 1)
        return f"<p><b>{escape(lead)}.</b> {escape(rest)}</p>"
    return f"<p>{escape(text)}</p>"


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    grouped = any(row[0].startswith("- ") for row in table.rows)  # totals over details
    rows = []
    for row in table.rows:
        css = ' class="total"' if grouped and not row[0].startswith("- ") else ""
        cells = f"<td>{escape(row[0])}</td>" + "".join(
            f'<td class="num">{escape(cell)}</td>' for cell in row[1:]
        )
        rows.append(f"<tr{css}>{cells}</tr>")
    unit = f'<div class="unit">{escape(table.unit)}</div>' if table.unit else ""
    return f'{unit}<table class="data"><tr>{head}</tr>{"".join(rows)}</table>'


def _signatures(signers: tuple[Signer, ...], recipients: str = "") -> str:
    """Titles, the signed space and names on three rows, so side-by-side names line up."""
    lead = f'<td class="recipients" rowspan="3">{recipients}</td>' if len(signers) == 1 else ""
    titles = "".join(f'<td class="sign">{_lines(s.titles)}</td>' for s in signers)
    signed = '<td class="signed">(Đã ký)</td>' * len(signers)
    names = "".join(f'<td class="sign">{escape(s.name)}</td>' for s in signers)
    return f'<table class="end"><tr>{lead}{titles}</tr><tr>{signed}</tr><tr>{names}</tr></table>'


def document_html(doc: Doc) -> str:
    """The document as one self-contained HTML page: inline CSS, no URLs at all."""
    issuer = doc.issuer
    agency = (f"<div>{escape(issuer.parent)}</div>" if issuer.parent else "") + _lines(
        issuer.name, "name"
    )
    number = f"Số: {doc.number}/{doc.notation}"
    subject_under_number = ""
    title = ""
    if doc.type_code == LETTER:
        subject_under_number = f'<div class="vv">{escape(doc.subject)}</div>'
    else:
        title = (
            f"<h1>{escape(doc.type_name.upper())}</h1>"
            f'<div class="subject">{escape(doc.subject)}</div><div class="rule"></div>'
        )
    authority = f'<div class="authority">{escape(doc.authority)}</div>' if doc.authority else ""
    addressees = ""
    if doc.addressees:
        addressees = (
            '<table class="to"><tr><td class="label">Kính gửi:</td>'
            f"<td>{_lines(doc.addressees)}</td></tr></table>"
        )
    body = "".join(
        _table(block) if isinstance(block, Table) else _paragraph(block) for block in doc.body
    )
    recipients = ""
    if doc.recipients:
        recipients = '<div class="label">Nơi nhận:</div>' + _lines(
            [f"- {r}" for r in doc.recipients]
        )
    end = _signatures(doc.signers, recipients)
    meta_title = f"{doc.type_name} {doc.number}/{doc.notation}"
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(meta_title)}</title>
<meta name="author" content="{escape(issuer.full_name)}">
<meta name="description" content="{escape(doc.summary)}">
<meta name="generator" content="Phần mềm quản lý văn bản và điều hành {PROVINCE}">
<meta name="dcterms.created" content="{doc.day.isoformat()}">
<meta name="dcterms.modified" content="{doc.day.isoformat()}">
<style>{CSS}</style></head>
<body>
<table class="head">
  <tr>
    <td class="agency">{agency}<div class="rule"></div></td>
    <td><div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
        <div class="motto">Độc lập - Tự do - Hạnh phúc</div></td>
  </tr>
  <tr>
    <td class="number">{escape(number)}{subject_under_number}</td>
    <td class="dateline">{PLACE}, {long_date(doc.day)}</td>
  </tr>
</table>
{title}{addressees}{authority}
<div class="body">{body}</div>
{end}
</body></html>"""


@cache
def _font_config() -> Any:
    """One font configuration for every document: Fontconfig is asked once per process."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def render_pdf(doc: Doc) -> tuple[bytes, int]:
    """The PDF/A bytes and the page count, from one layout pass.

    Cached per process: the output is deterministic (the dates come from the document), so a
    second seeding in the same process, as tests do, costs no rendering.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))  # nothing reaches the network or disk
    html = HTML(string=document_html(doc), base_url=None, url_fetcher=fetcher)
    rendered = html.render(font_config=_font_config(), pdf_variant=PDF_VARIANT)
    data = rendered.write_pdf(pdf_variant=PDF_VARIANT)
    assert data is not None
    return bytes(data), len(rendered.pages)


# ---------------------------------------------------------------------------------------------
# Packages

DOSSIER_HEADERS = [
    "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời hạn lưu trữ", "Chế độ sử dụng", "Ngôn ngữ",
    "Thời gian bắt đầu", "Thời gian kết thúc", "Từ khóa", "Tổng số tài liệu trong hồ sơ",
    "Số lượng trang", "Tình trạng vật lý", "Mức độ tin cậy", "Chế độ dự phòng", "Ghi chú",
]  # fmt: skip
DOCUMENT_HEADERS = [
    "Mã hồ sơ", "Số thứ tự", "Mã định danh tài liệu", "Tên loại tài liệu", "Số của tài liệu",
    "Ký hiệu của tài liệu", "Ngày tháng năm tài liệu", "Tên cơ quan, tổ chức ban hành",
    "Trích yếu nội dung", "Ngôn ngữ", "Số lượng trang", "Chế độ sử dụng", "Mức độ tin cậy",
    "Tình trạng vật lý", "Tệp tin", "SHA-256",
]  # fmt: skip
ACCESS_LABELS = {"01": "Công khai", "02": "Sử dụng có điều kiện"}


def _doc_id(dossier_code: str, ordinal: int) -> str:
    """Mã định danh tài liệu as the samples write it: H62.00.03.2024.01.n for ….03.H62.2024.01."""
    parts = dossier_code.split(".")
    return ".".join([parts[3], parts[1], parts[2], parts[4], parts[5], str(ordinal)])


def write_package(spec: PackageSpec, root: Path) -> Path:
    """Render every document once and write ho_so/tai_lieu plus the files under ``root``."""
    folder = root / spec.folder
    dossier_rows: list[list[Any]] = []
    document_rows: list[list[Any]] = []
    for number, dossier in enumerate(spec.dossiers, start=1):
        pages_in_dossier = 0
        for ordinal, doc in enumerate(dossier.documents, start=1):
            data, pages = render_pdf(doc)
            pages_in_dossier += pages
            relative = f"tai_lieu/HS{number:02d}/{doc.file_name(ordinal)}"
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            mode = doc.mode
            if mode and not spec.coded:
                mode = ACCESS_LABELS[mode]
            document_rows.append([
                dossier.code, ordinal, _doc_id(dossier.code, ordinal),
                doc.type_code if spec.coded else doc.type_name, doc.number, doc.notation,
                _date_cell(doc.day, spec), doc.issuer.full_name, doc.summary,
                "01" if spec.coded else "Tiếng Việt", pages, mode,
                "01" if spec.coded else "Gốc điện tử", "01" if spec.coded else "Tốt",
                relative, hashlib.sha256(data).hexdigest(),
            ])  # fmt: skip
        days = [d.day for d in dossier.documents]
        dossier_rows.append([
            dossier.code, dossier.title, dossier.retention, dossier.mode,
            "01" if spec.coded else "Tiếng Việt", _date_cell(min(days), spec),
            _date_cell(max(days), spec), dossier.keywords, len(dossier.documents),
            pages_in_dossier, "01" if spec.coded else "Tốt",
            "01" if spec.coded else "Gốc điện tử", "0", f"Người lập hồ sơ: {dossier.made_by}",
        ])  # fmt: skip
    if spec.form == "xlsx":
        _write_xlsx(folder / "ho_so.xlsx", "Hồ sơ", DOSSIER_HEADERS, dossier_rows)
        _write_xlsx(folder / "tai_lieu.xlsx", "Tài liệu", DOCUMENT_HEADERS, document_rows)
    else:
        _write_csv(folder / "ho_so.csv", DOSSIER_HEADERS, dossier_rows)
        _write_csv(folder / "tai_lieu.csv", DOCUMENT_HEADERS, document_rows)
    return folder


def _date_cell(day: dt.date, spec: PackageSpec) -> dt.date | str:
    """A real Excel date in a workbook (the reader formats it), DD/MM/YYYY text in a CSV."""
    return day if spec.form == "xlsx" else day.strftime("%d/%m/%Y")


def _write_xlsx(path: Path, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """A sheet as agencies fill it in: bold header, frozen, wide text columns, date cells."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wide = {"Tiêu đề hồ sơ": 60, "Trích yếu nội dung": 60, "Tệp tin": 40,
            "Tên cơ quan, tổ chức ban hành": 34, "Mã hồ sơ": 24, "SHA-256": 20}  # fmt: skip
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = wide.get(header, 16)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    book.save(path)


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    """UTF-8 with BOM, as Excel on Windows saves "CSV UTF-8"."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


# ---------------------------------------------------------------------------------------------
# Seeding


def seed_collection() -> int:
    """Ingest the demo packages that are not in the archive yet; return how many were ingested.

    Needs the demo province (``province.seed``). A refused package raises with its errors: it
    means the seed data and the validation rules disagree, which a test should catch first.
    """
    pending = [
        spec
        for spec in PACKAGES
        if not Dossier.objects.filter(code__in=[d.code for d in spec.dossiers]).exists()
    ]
    if not pending:
        return 0
    receiver = User.objects.filter(username=RECEIVER).first()
    clerk = User.objects.filter(username=CLERK).first()
    head = User.objects.filter(username=HEAD).first()
    ingested = 0
    with tempfile.TemporaryDirectory(prefix="luutru-demo-") as tmp:
        for spec in pending:
            agency = Agency.objects.filter(code=spec.agency_code).first()
            if agency is None:
                raise DemoCollectionError(
                    f"Chưa có cơ quan {spec.agency_code}: hãy nạp tỉnh mẫu trước (seed)."
                )
            folder = write_package(spec, Path(tmp))
            # The agency's own clerk hands it over where the demo has one; otherwise the
            # archivist uploads it for the agency, and the head decides (nobody accepts a
            # transfer they submitted).
            own_clerk = clerk is not None and clerk.memberships.filter(agency=agency).exists()
            submitter = clerk if own_clerk else receiver
            transfer = receive_package(folder, agency=agency, actor=submitter)
            transfer = ingest(transfer)
            if transfer.state == TransferState.RECEIVED:
                transfer = accept_transfer(transfer, head if submitter == receiver else receiver)
            if transfer.state != TransferState.ACCEPTED:
                raise DemoCollectionError(
                    f"Gói mẫu “{spec.folder}” bị từ chối ({transfer.state}): {transfer.errors}"
                )
            ingested += 1
    return ingested

"""The national targets (QĐ 458/QĐ-TTg, QĐ 749/QĐ-TTg, NĐ 30/2020, TT 05/2025) and two report
forms, as data administrators may edit (README.md says what each indicator counts). Loaded by a
data migration, and again after a ``flush`` empties the tables (apps.py), as the code lists are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

TARGETS = [
    ("born_digital_share", "Tài liệu số gốc điện tử", Decimal(80),
     "QĐ 458/QĐ-TTg (03/4/2020): ≥ 80 % tài liệu lưu trữ được tạo lập dạng điện tử", ""),
    ("digitized_share", "Hồ sơ giấy đã số hóa", Decimal(30),
     "QĐ 458/QĐ-TTg: lưu trữ lịch sử số hóa ≥ 30 % tài liệu giấy thường xuyên sử dụng",
     "Chỉ tiêu tính trên tài liệu thường xuyên sử dụng; Hệ thống tính trên mọi hồ sơ giấy."),
    ("online_transfer_share", "Nộp lưu qua Hệ thống", Decimal(80),
     "QĐ 458/QĐ-TTg: ≥ 80 % tài liệu điện tử vĩnh viễn được nộp lưu (trong 03 năm)",
     "Áp dụng gần đúng: tỷ lệ lần nộp lưu qua Hệ thống."),
    ("online_use_share", "Phục vụ khai thác trực tuyến", Decimal(90),
     "QĐ 458/QĐ-TTg: ≥ 90 % lưu trữ cơ quan thực hiện quy trình khai thác trực tuyến",
     "Áp dụng gần đúng: tỷ lệ phiếu yêu cầu phục vụ qua Hệ thống."),
    ("agencies_in_system_share", "Cơ quan nộp lưu qua Hệ thống", Decimal(80),
     "QĐ 749/QĐ-TTg: 80 % hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng (2025)",
     "Chưa có chỉ tiêu riêng; dùng tạm chỉ tiêu cấp tỉnh của QĐ 749."),
    ("trained_staff_share", "Công chức được bồi dưỡng", None,
     "Chưa có chỉ tiêu quốc gia; cơ quan tự giao", ""),
    ("file_plan_transferred_share", "Hồ sơ đến hạn đã nộp lưu", Decimal(100),
     "NĐ 30/2020/NĐ-CP: nộp lưu trong 01 năm kể từ ngày công việc kết thúc", ""),
    ("requests_on_time_share", "Phiếu yêu cầu trả lời đúng hạn", Decimal(100),
     "TT 05/2025/TT-BNV: trả lời phiếu yêu cầu trong 06 ngày làm việc", ""),
    ("fixity_ok_share", "Tệp toàn vẹn", Decimal(100),
     "QĐ 458/QĐ-TTg: 100 % lưu trữ lịch sử có giải pháp bảo quản tài liệu điện tử", ""),
]  # fmt: skip

COLUMNS = [
    {"part": "numerator", "label": "Tử số"},
    {"part": "denominator", "label": "Mẫu số"},
    {"part": "value", "label": "Kết quả"},
    {"part": "target", "label": "Chỉ tiêu"},
]
FORMS = [
    {
        "code": "CT-QĐ458",
        "title": "Kết quả thực hiện chỉ tiêu Đề án lưu trữ tài liệu điện tử",
        "legal_basis": "QĐ 458/QĐ-TTg ngày 03/4/2020; QĐ 749/QĐ-TTg ngày 03/6/2020",
        "confirmed": False,
        "note": "Biểu do Hệ thống lập theo các chỉ tiêu của Đề án; chưa có mẫu biểu chính thức.",
        "rows": [
            {"label": label, "key": key} for key, label, *_ in TARGETS if key.endswith("_share")
        ],
        "columns": COLUMNS,
    },
    {
        "code": "TK-TLLT",
        "title": "Thống kê tài liệu lưu trữ và hoạt động lưu trữ",
        "legal_basis": "TT 18/2025/TT-BNV (chế độ báo cáo thống kê ngành Nội vụ)",
        "confirmed": False,
        "note": "Mẫu biểu của TT 18/2025/TT-BNV chưa được đối chiếu; bố cục có thể sửa.",
        "rows": [
            {"label": "Hồ sơ trong kho", "key": "holdings_dossiers"},
            {"label": "Tài liệu trong kho", "key": "holdings_documents"},
            {"label": "Số trang tài liệu", "key": "holdings_pages"},
            {"label": "Dung lượng tài liệu điện tử (GB)", "key": "holdings_gb"},
            {"label": "Tài liệu giấy (mét giá)", "key": "holdings_shelf_metres"},
            {"label": "Hồ sơ đến hạn nộp lưu trong năm", "key": "transfers_due"},
            {"label": "Hồ sơ quá hạn nộp lưu", "key": "transfers_overdue"},
            {"label": "Lượt sử dụng cổng công khai", "key": "public_uses"},
        ],
        "columns": [{"part": "value", "label": "Số lượng"}],
    },
]


def seed(Target: Any, ReportForm: Any) -> None:
    """Write the targets and forms, replacing those of the same key or code."""
    for key, label, value, basis, note in TARGETS:
        Target.objects.update_or_create(
            key=key, defaults={"label": label, "value": value, "legal_basis": basis, "note": note}
        )
    for form in FORMS:
        ReportForm.objects.update_or_create(code=form["code"], defaults=form)

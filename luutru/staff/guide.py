"""The in-app guide (hướng dẫn sử dụng), one page per role, under /quan-tri/huong-dan/.

Each step may show a screenshot, ``static/img/huong-dan/<name>.png``. The browser tests that walk
the same journeys (luutru/staff/tests/test_journeys_browser.py) take those screenshots, so the
guide shows the pages as they are; a step whose screenshot is not there yet shows its text only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.staticfiles import finders

SCREENSHOTS = "img/huong-dan"


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    screenshot: str = ""  # file name under static/img/huong-dan/, without ".png"

    @property
    def image(self) -> str:
        """The static path of the screenshot when it exists, else ""."""
        if not self.screenshot:
            return ""
        path = f"{SCREENSHOTS}/{self.screenshot}.png"
        return path if finders.find(path) else ""


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    role: str  # accounts.Role value the guide is for ("" for everyone)
    intro: str
    steps: tuple[Step, ...]


GUIDES: tuple[Guide, ...] = (
    Guide(
        "van-thu",
        "Văn thư: nộp lưu hồ sơ, tài liệu",
        "clerk",
        "Văn thư lập gói nộp lưu gồm danh sách hồ sơ, danh sách tài liệu và các tệp, kiểm tra "
        "gói rồi nộp cho lưu trữ.",
        (
            Step(
                "Tải mẫu danh sách",
                "Vào Thu thập, nộp lưu. Dưới mục “Nộp gói tài liệu”, tải hai mẫu ho_so.xlsx và "
                "tai_lieu.xlsx. Mỗi mẫu có trang Hướng dẫn và danh sách thả xuống cho các cột "
                "mã hóa.",
                "van-thu-1-trang-nop-luu",
            ),
            Step(
                "Điền mẫu và đóng gói",
                "Mỗi dòng của ho_so.xlsx là một hồ sơ, mỗi dòng của tai_lieu.xlsx là một tài "
                "liệu; cột có dấu * là bắt buộc. Cột “Tệp tin” ghi đường dẫn của tệp trong gói. "
                "Đặt hai tệp Excel cùng các thư mục tài liệu vào một thư mục rồi nén thành .zip.",
            ),
            Step(
                "Kiểm tra trước khi nộp",
                "Chọn tệp .zip, cơ quan nộp lưu (đã chọn sẵn cơ quan của bạn) và đánh dấu “Chỉ "
                "kiểm tra, chưa nộp”. Hệ thống kiểm tra gói theo Thông tư 05/2025 mà không lưu "
                "gì.",
            ),
            Step(
                "Đọc báo cáo và sửa lỗi",
                "Báo cáo nêu từng lỗi theo tệp, dòng và cột, kèm giải thích và cách sửa. Sửa "
                "trong tệp Excel, nén lại và kiểm tra lại cho đến khi không còn lỗi.",
                "van-thu-2-bao-cao-loi",
            ),
            Step(
                "Nộp gói",
                "Tải gói lên lần nữa, không đánh dấu “Chỉ kiểm tra”. Gói hợp lệ chờ lưu trữ "
                "tiếp nhận; nếu lưu trữ trả lại, lý do hiện trên trang lần nộp lưu.",
                "van-thu-3-cho-tiep-nhan",
            ),
        ),
    ),
    Guide(
        "lanh-dao",
        "Lãnh đạo: duyệt việc đang chờ",
        "head",
        "Lãnh đạo lưu trữ xem việc đang chờ trên trang Tổng quan, quyết định tiếp nhận hoặc trả "
        "lại lần nộp lưu, duyệt phiếu yêu cầu của độc giả và theo dõi nhật ký hệ thống.",
        (
            Step(
                "Xem việc đang chờ",
                "Trang Tổng quan liệt kê việc đang chờ bạn: lần nộp lưu chờ tiếp nhận, phiếu yêu "
                "cầu của độc giả, hồ sơ chờ công bố, kèm hạn xử lý.",
                "lanh-dao-1-viec-dang-cho",
            ),
            Step(
                "Kiểm tra lần nộp lưu",
                "Mở lần nộp lưu từ hàng chờ. Xem mục lục hồ sơ (PDF hoặc Excel), báo cáo kiểm "
                "tra và danh sách tệp trước khi quyết định.",
                "lanh-dao-2-lan-nop-luu",
            ),
            Step(
                "Tiếp nhận hoặc trả lại",
                "Nút “Tiếp nhận” (màu xanh) đưa hồ sơ, tài liệu vào kho và lập biên bản giao "
                "nhận. Nút “Trả lại” (viền đỏ) cần ghi lý do để văn thư biết phải sửa gì.",
                "lanh-dao-3-da-tiep-nhan",
            ),
            Step(
                "Xem nhật ký hệ thống",
                "Nhật ký hệ thống ghi mọi thao tác: lọc theo loại hành động, người thực hiện và "
                "khoảng ngày, rồi tải về CSV khi cần báo cáo.",
                "lanh-dao-4-nhat-ky",
            ),
        ),
    ),
    Guide(
        "luu-tru-vien",
        "Lưu trữ viên: tiếp nhận, số hóa, bảo quản",
        "archivist",
        "Lưu trữ viên kiểm tra các lần nộp lưu, số hóa tài liệu giấy, sửa mô tả và theo dõi "
        "bảo quản.",
        (
            Step(
                "Hàng chờ tiếp nhận",
                "Thu thập, nộp lưu → Chờ tiếp nhận liệt kê các gói hợp lệ, cũ nhất trước, với "
                "hạn tiếp nhận. Người nộp gói không tự tiếp nhận gói của mình.",
            ),
            Step(
                "Số hóa",
                "Số hóa → tạo lô từ ảnh quét; hệ thống nhận dạng chữ (OCR), kiểm tra chất lượng "
                "từng trang; thay hoặc bỏ trang lỗi rồi chấp nhận lô.",
            ),
            Step(
                "Bảo quản",
                "Bảo quản cho biết tình trạng kiểm tra toàn vẹn, sự cố, tệp chưa nhận dạng được "
                "định dạng và các lần sao lưu.",
            ),
        ),
    ),
    Guide(
        "quan-tri",
        "Quản trị hệ thống",
        "admin",
        "Quản trị hệ thống quản lý người dùng và vai trò, sao lưu, và môi trường tập huấn.",
        (
            Step(
                "Người dùng và vai trò",
                "Người dùng → thêm người dùng, giao vai trò trong cơ quan; khóa tài khoản khi "
                "người dùng nghỉ việc (tài khoản không bị xóa vì nhật ký còn ghi tên).",
            ),
            Step(
                "Sao lưu",
                "Bảo quản → “Sao lưu ngay” chạy sao lưu nền vào thư mục sao lưu; biên bản sao "
                "lưu hiện khi xong. Có thể chạy lệnh luutru backup THƯ_MỤC theo lịch.",
            ),
            Step(
                "Môi trường tập huấn",
                "Trước mỗi lớp tập huấn, chạy luutru sandbox reset để đưa tỉnh mẫu riêng về "
                "trạng thái ban đầu, rồi luutru sandbox serve để học viên dùng thử mà không ảnh "
                "hưởng dữ liệu thật.",
            ),
        ),
    ),
)


def guide(slug: str) -> Guide | None:
    return next((g for g in GUIDES if g.slug == slug), None)

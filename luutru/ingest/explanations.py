"""What each problem code of an ingest report means to a clerk, and how to fix it.

The codes (docs/interfaces.md) stay in the API and CLI JSON for machines; people read these
explanations instead. Every code the readers and the pipeline write has one; a code added later
without one still gets a Vietnamese sentence (``explain`` never returns an English code).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    title: str  # what kind of problem it is, in a few words
    fix: str  # what to do about it


EXPLANATIONS: dict[str, Explanation] = {
    "missing_field": Explanation(
        "Thiếu thông tin bắt buộc",
        "Điền ô còn trống ở cột và dòng đã nêu (cột có dấu * trong mẫu là bắt buộc), "
        "rồi nộp lại gói.",
    ),
    "bad_code": Explanation(
        "Mã hoặc giá trị không đúng danh mục",
        "Chọn giá trị trong danh sách thả xuống của mẫu (trang “Danh mục”), hoặc viết mã "
        "theo đúng dạng như ví dụ trong thông báo.",
    ),
    "bad_date": Explanation(
        "Ngày không hợp lệ",
        "Viết ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2024 (hoặc chỉ tháng/năm 03/2024, "
        "hoặc chỉ năm 2024).",
    ),
    "bad_value": Explanation(
        "Giá trị không đúng kiểu",
        "Ô này chỉ nhận số nguyên, hoặc 1 (có) / 0 (không); sửa lại theo thông báo.",
    ),
    "duplicate": Explanation(
        "Bị trùng",
        "Mỗi mã chỉ được xuất hiện một lần; sửa hoặc xóa dòng bị trùng. Nếu gói có hai tệp "
        "cùng loại (ví dụ ho_so.xlsx và ho_so.csv), chỉ giữ một tệp.",
    ),
    "missing_file": Explanation(
        "Không tìm thấy tệp",
        "Kiểm tra đường dẫn ở cột “Tệp tin” (đúng thư mục, đúng tên, đúng phần mở rộng) và "
        "đặt tệp đó vào gói trước khi nén.",
    ),
    "unlisted_file": Explanation(
        "Tệp không có trong danh sách",
        "Thêm một dòng cho tệp này vào tai_lieu.xlsx, hoặc bỏ tệp khỏi gói nếu không cần nộp.",
    ),
    "checksum_mismatch": Explanation(
        "Mã băm không khớp với tệp",
        "Tệp đã bị thay đổi hoặc hỏng khi sao chép: chép lại tệp gốc, hoặc tính lại mã "
        "SHA-256 (có thể bỏ trống cột SHA-256).",
    ),
    "format_mismatch": Explanation(
        "Định dạng tệp không khớp phần mở rộng",
        "Lưu lại tệp đúng định dạng (ví dụ xuất ra PDF) hoặc đổi phần mở rộng cho đúng với "
        "nội dung tệp.",
    ),
    "unsafe_archive": Explanation(
        "Tệp nén không an toàn",
        "Nén lại thư mục gói bằng chức năng nén thông thường (không dùng liên kết, không có "
        "đường dẫn ra ngoài thư mục gói).",
    ),
    "active_content": Explanation(
        "Tệp chứa mã chạy tự động",
        "Mở tệp và in/xuất lại ra PDF không có JavaScript, macro hay tệp đính kèm, rồi nộp lại.",
    ),
    "bad_signature": Explanation(
        "Chữ ký số không hợp lệ",
        "Tệp đã bị sửa sau khi ký hoặc chữ ký hỏng: lấy lại bản đã ký gốc từ nơi ban hành.",
    ),
    "untrusted_signature": Explanation(
        "Chữ ký số chưa xác minh được",
        "Gói vẫn được nhận; lưu trữ sẽ xác minh chứng thư số của người ký sau.",
    ),
    "page_count_mismatch": Explanation(
        "Số trang không khớp với tệp",
        "Sửa cột “Số lượng trang” cho đúng số trang của tệp PDF.",
    ),
    "too_long": Explanation(
        "Quá dài",
        "Rút gọn nội dung ô cho vừa giới hạn ký tự nêu trong thông báo.",
    ),
    "damaged_file": Explanation(
        "Tệp hỏng, không đọc được",
        "Mở thử tệp trên máy; lưu lại hoặc xuất lại tệp từ bản gốc (bảng tính lưu dạng .xlsx), "
        "rồi nộp lại gói.",
    ),
    "encrypted": Explanation(
        "Tệp có mật khẩu",
        "Bỏ mật khẩu hoặc mã hóa của tệp rồi lưu lại; lưu trữ không mở được tệp có mật khẩu.",
    ),
    "empty_package": Explanation(
        "Gói trống",
        "Gói phải có ho_so.xlsx, tai_lieu.xlsx và các tệp tài liệu; nén cả thư mục gói rồi "
        "tải lên lại.",
    ),
    "foreign_code": Explanation(
        "Mã không thuộc cơ quan nộp lưu",
        "Mã hồ sơ và mã lưu trữ phải bắt đầu bằng mã định danh của cơ quan đã chọn; chọn đúng "
        "cơ quan nộp lưu hoặc sửa lại mã.",
    ),
    "already_transferred": Explanation(
        "Đã nộp lưu trước đây",
        "Hồ sơ, tài liệu này đã có trong kho (xem lần nộp lưu nêu trong thông báo); bỏ chúng "
        "khỏi gói hoặc đổi mã nếu đây là hồ sơ khác.",
    ),
    "unknown_column": Explanation(
        "Cột không nhận ra",
        "Cột này được bỏ qua. Nếu nó chứa thông tin cần nộp, đổi tên cột theo mẫu tải về.",
    ),
    "unknown_field": Explanation(
        "Trường không nhận ra",
        "Trường này được bỏ qua; dùng đúng tên trường theo mẫu nếu cần giữ thông tin.",
    ),
    "unknown_code": Explanation(
        "Loại tài liệu ngoài danh mục",
        "Tài liệu được nhận với loại “Khác”; chọn loại trong danh sách thả xuống nếu có loại "
        "phù hợp.",
    ),
    "ambiguous_code": Explanation(
        "Giá trị có thể hiểu nhiều cách",
        "Ghi mã số của loại tài liệu (ví dụ 02) thay vì chữ viết tắt.",
    ),
    "default_value": Explanation(
        "Đã dùng giá trị mặc định",
        "Kiểm tra giá trị mặc định nêu trong thông báo; điền ô đó nếu giá trị khác.",
    ),
    "retention_raised": Explanation(
        "Thời hạn lưu trữ được nâng lên",
        "Thời hạn của hồ sơ được nâng cho bằng tài liệu lâu nhất trong hồ sơ; kiểm tra lại "
        "nếu chưa đúng.",
    ),
    "count_mismatch": Explanation(
        "Số lượng không khớp",
        "Sửa “Tổng số tài liệu trong hồ sơ” cho bằng số dòng của hồ sơ trong tai_lieu.xlsx.",
    ),
    "path_case": Explanation(
        "Tên tệp khác chữ hoa, chữ thường",
        "Viết đường dẫn ở cột “Tệp tin” đúng chữ hoa, chữ thường như tên tệp trong gói.",
    ),
    "unknown_format": Explanation(
        "Chưa nhận dạng được định dạng tệp",
        "Nếu có thể, nộp tệp ở định dạng lưu trữ phổ biến (PDF/A, TIFF, JPEG).",
    ),
    "embedded_files": Explanation(
        "Tệp có tệp đính kèm bên trong",
        "Nộp các tệp đính kèm thành tài liệu riêng nếu chúng cần được lưu.",
    ),
    "zipped_attachment": Explanation(
        "Tệp đính kèm là tệp nén",
        "Giải nén tệp đính kèm và nộp từng tệp thành tài liệu riêng.",
    ),
    "internal_error": Explanation(
        "Lỗi của hệ thống",
        "Không phải lỗi của gói: báo quản trị hệ thống để chạy lại việc xử lý.",
    ),
}

OTHER = Explanation(
    "Vấn đề khác",
    "Đọc nội dung thông báo để sửa; nếu chưa rõ, liên hệ lưu trữ và gửi kèm tên gói.",
)


def explain(code: str) -> Explanation:
    """The explanation of one report code; ``OTHER`` for a code not (yet) described."""
    return EXPLANATIONS.get(code, OTHER)

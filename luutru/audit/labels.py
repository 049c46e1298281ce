"""Vietnamese names of audit actions (``AuditEvent.action``), as the audit trail page shows them.

Each app declares its actions in its own ``AuditAction`` enum (retention: ``Event``); audit sits
below every app and so keeps their names here by value. ``luutru/tests/test_audit_actions.py``
checks that every member of every enum has a name, so a new action cannot reach the page as
an English code.
"""

from __future__ import annotations

# The area of the system an action belongs to: the part before the dot.
AREAS: dict[str, str] = {
    "accounts": "Tài khoản",
    "organizations": "Cơ quan, phông",
    "records": "Hồ sơ, tài liệu",
    "ingest": "Thu thập, nộp lưu",
    "digitization": "Số hóa",
    "preservation": "Bảo quản",
    "access": "Khai thác, sử dụng",
    "retention": "Lưu giữ, loại hủy",
    "exhibitions": "Triển lãm",
    "reports": "Báo cáo, thống kê",
    "api": "Kết nối API",
    "audit": "Nhật ký hệ thống",
    "workers": "Tác vụ nền",
}

ACTION_LABELS: dict[str, str] = {
    # accounts
    "accounts.user_create": "Tạo người dùng",
    "accounts.reader_create": "Đăng ký độc giả",
    "accounts.password_change": "Đổi mật khẩu",
    "accounts.user_activate": "Mở khóa người dùng",
    "accounts.user_deactivate": "Khóa người dùng",
    "accounts.login": "Đăng nhập",
    "accounts.logout": "Đăng xuất",
    "accounts.login_failed": "Đăng nhập không thành công",
    "accounts.second_factor_enrol": "Đăng ký xác thực hai bước",
    "accounts.second_factor_failed": "Mã xác thực hai bước sai",
    "accounts.second_factor_recovery": "Dùng mã dự phòng xác thực hai bước",
    "accounts.second_factor_reset": "Đặt lại xác thực hai bước",
    # organizations
    "organizations.agency_create": "Thêm cơ quan",
    "organizations.agency_update": "Sửa thông tin cơ quan",
    "organizations.agency_end": "Cơ quan ngừng hoạt động",
    "organizations.archive_create": "Thêm lưu trữ",
    "organizations.fonds_create": "Thêm phông",
    "organizations.fonds_update": "Sửa thông tin phông",
    "organizations.fonds_close": "Đóng phông",
    "organizations.role_assign": "Giao vai trò",
    "organizations.role_revoke": "Thu hồi vai trò",
    # records
    "records.file_plan_create": "Lập danh mục hồ sơ",
    "records.plan_entry_add": "Thêm mục vào danh mục hồ sơ",
    "records.plan_entry_change": "Sửa mục của danh mục hồ sơ",
    "records.publish": "Công bố hồ sơ, tài liệu",
    "records.withdraw": "Gỡ công bố",
    "records.access_regime_change": "Đổi chế độ sử dụng",
    "records.publication_policy": "Đổi chính sách công bố của phông",
    "records.description_change": "Sửa mô tả hồ sơ, tài liệu",
    "records.document_file": "Lập hồ sơ cho tài liệu",
    "records.dossier_move": "Chuyển hồ sơ",
    # workers
    "workers.task_requeue": "Đưa lại vào hàng đợi tác vụ nền của tiến trình đã ngừng",
    "workers.task_abandon": "Dừng hẳn tác vụ nền làm ngừng tiến trình nhiều lần",
    # ingest
    "ingest.transfer_receive": "Nhận gói nộp lưu",
    "ingest.transfer_accept": "Tiếp nhận vào kho",
    "ingest.transfer_reject": "Gói nộp lưu bị từ chối",
    "ingest.transfer_resume": "Tự tiếp tục xử lý gói nộp lưu bị gián đoạn",
    "ingest.leftovers_cleanup": "Dọn tệp tạm, gói tải lên còn sót",
    "ingest.files_seal": "Mã hóa tệp của tài liệu Mật",
    "ingest.transfer_valid": "Gói nộp lưu hợp lệ",
    "ingest.transfer_return": "Trả lại gói nộp lưu",
    # digitization
    "digitization.batch_create": "Tạo lô số hóa",
    "digitization.pages_add": "Thêm trang số hóa",
    "digitization.page_replace": "Thay trang số hóa",
    "digitization.page_remove": "Xóa trang số hóa",
    "digitization.page_move": "Đổi thứ tự trang",
    "digitization.batch_accept": "Nghiệm thu lô số hóa",
    "digitization.batch_resume": "Tiếp tục xử lý lô số hóa",
    "digitization.batch_reject": "Không nghiệm thu lô số hóa",
    "digitization.item_describe": "Mô tả tài liệu số hóa",
    "digitization.batch_paper_code": "Ghi mã hồ sơ giấy của lô",
    # preservation
    "preservation.aip_create": "Lập gói bảo quản",
    "preservation.copy_repaired": "Sửa bản sao hỏng",
    "preservation.file_lost": "Mất tệp",
    "preservation.repair_failed": "Không sửa được bản sao",
    "preservation.replica_unavailable": "Bản sao dự phòng không truy cập được",
    "preservation.incident_resolve": "Xử lý xong sự cố",
    "preservation.migrate": "Chuyển đổi định dạng",
    "preservation.migrate_failed": "Chuyển đổi định dạng không thành công",
    "preservation.fixity_run": "Kiểm tra toàn vẹn tệp",
    "preservation.fixity_request": "Yêu cầu kiểm tra toàn vẹn",
    "preservation.aip_export": "Xuất gói bảo quản",
    "preservation.aip_version": "Lập phiên bản mới của gói bảo quản",
    "preservation.aip_merge": "Gộp gói bảo quản của tài liệu vào gói của hồ sơ",
    "preservation.backup": "Sao lưu",
    "preservation.backup_failed": "Sao lưu không thành công",
    "preservation.backup_request": "Yêu cầu sao lưu",
    "preservation.restore": "Phục hồi từ bản sao lưu",
    # access
    "access.reader_approve": "Duyệt tài khoản độc giả",
    "access.reader_refuse": "Từ chối tài khoản độc giả",
    "access.request_submit": "Gửi phiếu yêu cầu",
    "access.request_review": "Xem xét phiếu yêu cầu",
    "access.request_approve": "Duyệt phiếu yêu cầu",
    "access.request_reject": "Từ chối phiếu yêu cầu",
    "access.request_deliver": "Giao tài liệu cho độc giả",
    "access.request_close": "Đóng phiếu yêu cầu",
    "access.delivery_purge": "Xóa bản giao đã hết hạn",
    "access.staff_grant": "Cấp quyền đọc tài liệu mật",
    "access.staff_grant_revoke": "Thu hồi quyền đọc tài liệu mật",
    # retention
    "retention.schedule_version": "Ban hành bảng thời hạn lưu trữ",
    "retention.hold_place": "Tạm giữ hồ sơ",
    "retention.hold_lift": "Bỏ tạm giữ hồ sơ",
    "retention.appraisal_open": "Mở đợt xác định giá trị",
    "retention.member_add": "Thêm thành viên hội đồng",
    "retention.vote": "Biểu quyết của hội đồng",
    "retention.item_conclude": "Kết luận về hồ sơ",
    "retention.council_close": "Kết thúc họp hội đồng",
    "retention.disposal_decide": "Quyết định hủy tài liệu",
    "retention.destroy": "Hủy tài liệu hết giá trị",
    "retention.destroy_record": "Hủy một hồ sơ",
    "retention.secrecy_set": "Ghi độ mật",
    "retention.secrecy_decide": "Quyết định giải mật",
    "retention.transfer_plan": "Lập kế hoạch nộp lưu lịch sử",
    "retention.transfer_submit": "Gửi nộp lưu lịch sử",
    "retention.transfer_reply": "Trả lời nộp lưu lịch sử",
    "retention.transfer_receive": "Nhận nộp lưu lịch sử",
    "retention.custody_move": "Chuyển quyền quản lý hồ sơ sang lưu trữ lịch sử",
    "retention.aip_import": "Nhập gói bảo quản từ hệ thống khác",
    # exhibitions
    "exhibitions.create": "Tạo triển lãm",
    "exhibitions.change": "Sửa triển lãm",
    "exhibitions.item_add": "Thêm tài liệu vào triển lãm",
    "exhibitions.item_remove": "Bỏ tài liệu khỏi triển lãm",
    "exhibitions.submit": "Trình duyệt triển lãm",
    "exhibitions.publish": "Công bố triển lãm",
    "exhibitions.unpublish": "Gỡ triển lãm",
    "exhibitions.load": "Nạp triển lãm từ tệp",
    "exhibitions.anniversary": "Thêm hoặc bỏ ngày kỷ niệm",
    # reports
    "reports.target_change": "Đổi chỉ tiêu",
    "reports.paper_handover": "Ghi nhận giao nộp tài liệu giấy",
    "reports.reading_room": "Ghi nhận lượt phục vụ phòng đọc",
    "reports.course_create": "Tạo khóa đào tạo",
    "reports.session_create": "Tạo buổi đào tạo",
    "reports.attendance": "Ghi nhận tham dự đào tạo",
    "reports.snapshot": "Tổng hợp số liệu trong ngày",
    "reports.form_change": "Sửa biểu mẫu báo cáo",
    # api
    "api.token_issued": "Cấp khóa API",
    "api.token_revoked": "Thu hồi khóa API",
}


def action_label(action: str) -> str:
    """The Vietnamese name of an action; an action without one is named by its area."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return label
    area = AREAS.get(action.partition(".")[0])
    return f"{area}: hành động khác" if area else "Hành động khác"


def action_choices() -> list[tuple[str, list[tuple[str, str]] | str]]:
    """The filter's choices: everything, then per area "all of the area" and each action."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action, label in ACTION_LABELS.items():
        area = action.partition(".")[0]
        groups.setdefault(area, [(f"{area}.", f"{AREAS[area]} — tất cả")]).append((action, label))
    choices: list[tuple[str, list[tuple[str, str]] | str]] = [("", "Tất cả hành động")]
    choices += [(AREAS[area], options) for area, options in groups.items()]
    return choices

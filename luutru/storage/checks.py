"""`luutru check --deploy`: both storages must answer before the site takes files."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def storages_reachable(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An error for a primary storage or replica that cannot be reached or written.

    Deploy-only: it opens a connection to each object store (a HEAD of the bucket).
    """
    from luutru.storage.backends import LocalDiskBackend
    from luutru.storage.services import backend, replica

    problems: list[checks.CheckMessage] = []
    for storage, setting, code in ((backend(), "STORAGE_URL", "E001"),
                                   (replica(), "REPLICA_URL", "E002")):  # fmt: skip
        if isinstance(storage, LocalDiskBackend) and storage.create:
            continue  # the embedded default folder is made on first write
        if not storage.available():
            problems.append(checks.Error(
                f"Không truy cập được {storage.name} tại {storage.root}.",
                hint=f"Kiểm tra {setting}, khóa truy cập (AWS_ACCESS_KEY_ID…) và đường mạng; "
                "với thư mục: thư mục phải tồn tại và người dùng luutru ghi được.",
                id=f"luutru.storage.{code}",
            ))  # fmt: skip
    return problems

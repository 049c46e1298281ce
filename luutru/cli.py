"""The `luutru` console script: Django's management commands for operators.

Configuration mistakes and an unreachable database end in one Vietnamese line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")
    # `luutru search … | head` must end quietly, as any Unix tool does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    args = ["luutru", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        print(f"Lỗi cấu hình: {exc}", file=sys.stderr)
        sys.exit(2)
    except OperationalError as exc:
        print(
            "Không kết nối được cơ sở dữ liệu. Hãy kiểm tra DATABASE_URL và máy chủ "
            f"PostgreSQL, hoặc quyền ghi vào thư mục dữ liệu. Chi tiết: {exc}",
            file=sys.stderr,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()

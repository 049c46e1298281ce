"""Typed readers of environment variables for settings.

Each helper raises ``ImproperlyConfigured`` with a Vietnamese message naming the variable,
so a bad value stops start-up with one clear line instead of a confusing failure later.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "có"}
_FALSE = {"0", "false", "no", "off", "không", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Biến môi trường {name}={raw!r} không hợp lệ: hãy dùng 1/0, true/false hoặc yes/no."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={raw!r} không hợp lệ: cần một số nguyên."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={value} không hợp lệ: giá trị nhỏ nhất là {minimum}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(name: str, default: Path) -> Path:
    """The data directory: the default is created on demand, an explicit one must exist.

    An operator who sets the variable and mistypes the path must not get a fresh empty
    database somewhere unexpected, so only the default is created automatically.
    """
    raw = os.environ.get(name)
    if raw is None:
        try:
            default.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Không tạo được thư mục dữ liệu mặc định {default}: {exc.strerror}."
            ) from None
        return default.resolve()
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ImproperlyConfigured(
            f"Thư mục dữ liệu {name}={raw} không tồn tại. Hãy tạo thư mục đó "
            f"(mkdir -p {raw}) hoặc bỏ biến {name} để dùng ./var."
        )
    if not os.access(path, os.W_OK):
        raise ImproperlyConfigured(f"Không ghi được vào thư mục dữ liệu {name}={raw}.")
    return path.resolve()


def database_config(url: str | None, sqlite_path: Path) -> dict[str, object]:
    """Django's DATABASES["default"]: PostgreSQL from ``DATABASE_URL``, else SQLite in WAL mode."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            # Kept open between requests: opening one runs the PRAGMAs below, which cost more
            # than a cached page (portal/cache.py).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
                # failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    import dj_database_url

    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except Exception:  # dj-database-url raises several unrelated types on bad input
        # The URL may hold a password: never echo it.
        raise ImproperlyConfigured(
            "DATABASE_URL không hợp lệ. Ví dụ đúng: "
            "postgres://nguoidung:matkhau@127.0.0.1:5432/luutru"
        ) from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL phải trỏ tới PostgreSQL (postgres://…); bỏ biến này để dùng SQLite nhúng."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL thiếu tên cơ sở dữ liệu (…/luutru).")
    return config

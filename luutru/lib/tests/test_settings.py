"""Configuration from the environment: bad values stop start-up with one Vietnamese line.

The helpers are tested directly; start-up itself through the real `luutru` console script in
a subprocess, since settings are read once per process. Each subprocess costs a second or two,
so there are only a few of them.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from luutru.lib.env import data_dir, database_config, env_bool, env_int

VAR = "LUUTRU_TEST_SETTING"
LUUTRU = Path(sys.executable).with_name("luutru")


# --- env_bool, env_int ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), (" TRUE ", True), ("yes", True), ("có", True), ("0", False), ("off", False),
     ("không", False), ("", False)],
)  # fmt: skip
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, not expected) is expected


def test_env_bool_uses_the_default_when_the_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VAR, raising=False)
    assert env_bool(VAR, True) is True
    assert env_bool(VAR, False) is False


def test_env_bool_rejects_maybe_naming_the_variable_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VAR, "maybe")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool(VAR, False)
    message = str(caught.value)
    assert f"Biến môi trường {VAR}='maybe' không hợp lệ" in message
    assert "true/false" in message


def test_env_int_reads_a_number_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    assert env_int(VAR, 15, minimum=1) == 15
    monkeypatch.setenv(VAR, "30")
    assert env_int(VAR, 15, minimum=1) == 30
    monkeypatch.setenv(VAR, "1")
    assert env_int(VAR, 15, minimum=1) == 1


def test_env_int_refuses_a_value_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}=0 không hợp lệ.*nhỏ nhất là 1"):
        env_int(VAR, 15, minimum=1)


def test_env_int_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "mười lăm")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}='mười lăm'.*cần một số nguyên"):
        env_int(VAR, 15)


# --- data_dir ------------------------------------------------------------------------------


def test_data_dir_creates_the_default_when_the_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(VAR, raising=False)
    default = tmp_path / "var" / "moi"
    assert data_dir(VAR, default) == default.resolve()
    assert default.is_dir()


def test_data_dir_uses_an_explicit_directory_that_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(VAR, str(tmp_path))
    default = tmp_path / "khong-dung-toi"
    assert data_dir(VAR, default) == tmp_path.resolve()
    assert not default.exists()


def test_data_dir_refuses_a_missing_explicit_directory_and_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "go-nham"
    monkeypatch.setenv(VAR, str(missing))
    with pytest.raises(ImproperlyConfigured) as caught:
        data_dir(VAR, tmp_path / "var")
    message = str(caught.value)
    assert f"Thư mục dữ liệu {VAR}={missing} không tồn tại" in message
    assert f"mkdir -p {missing}" in message
    assert not missing.exists(), "a mistyped directory must not be created"


# --- database_config -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", None])
def test_no_database_url_means_sqlite_in_wal_mode(url: str | None, tmp_path: Path) -> None:
    config = database_config(url, tmp_path / "luutru.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "luutru.sqlite3")
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert "PRAGMA foreign_keys=ON" in options["init_command"]


def test_a_postgres_url_means_postgresql(tmp_path: Path) -> None:
    config = database_config("postgres://nv:matkhau@db.so.vn:5433/luutru", tmp_path / "x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("luutru", "nv", "matkhau")
    assert (config["HOST"], config["PORT"]) == ("db.so.vn", 5433)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://nv:secret@db.so.vn/luutru", "phải trỏ tới PostgreSQL"),
        ("sqlite:///tmp/luutru.sqlite3", "phải trỏ tới PostgreSQL"),
        ("foo://x", "DATABASE_URL không hợp lệ"),
        ("foo://nv:secret@x/luutru", "DATABASE_URL không hợp lệ"),
        ("postgres://nv:secret@db.so.vn:notaport/luutru", "DATABASE_URL không hợp lệ"),
        ("postgres://nv:secret@db.so.vn:5432", "thiếu tên cơ sở dữ liệu"),
        ("postgres://nv:secret@db.so.vn:5432/", "thiếu tên cơ sở dữ liệu"),
    ],
)
def test_a_bad_database_url_is_refused_without_echoing_the_password(
    url: str, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        database_config(url, tmp_path / "x")
    assert expected in str(caught.value)
    assert "secret" not in str(caught.value)


# --- start-up through the console script ---------------------------------------------------


def run_luutru(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script with a clean configuration plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(LUUTRU), *args], env=environ, capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
    assert expected in result.stderr


def test_migrate_on_a_fresh_data_dir_creates_a_wal_database(tmp_path: Path) -> None:
    result = run_luutru("migrate", "--verbosity", "0", LUUTRU_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    database = tmp_path / "luutru.sqlite3"
    with sqlite3.connect(database) as connection:
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert mode == "wal"
    assert {"audit_auditevent", "organizations_agency", "axes_accessattempt"} <= tables
    # The generated secret key is kept next to the data, readable by its owner only.
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_missing_data_dir_stops_start_up_with_one_vietnamese_line() -> None:
    result = run_luutru("migrate", LUUTRU_DATA_DIR="/does/not/exist")
    assert_one_line_failure(result, "Thư mục dữ liệu LUUTRU_DATA_DIR=/does/not/exist không tồn tại")
    assert result.stderr.startswith("Lỗi cấu hình: ")
    assert not Path("/does/not/exist").exists()


def test_an_unknown_database_url_stops_start_up_with_one_vietnamese_line(tmp_path: Path) -> None:
    result = run_luutru("migrate", LUUTRU_DATA_DIR=str(tmp_path), DATABASE_URL="foo://x")
    assert_one_line_failure(result, "Lỗi cấu hình: DATABASE_URL không hợp lệ")
    assert not (tmp_path / "luutru.sqlite3").exists()


def test_an_unreachable_postgresql_stops_migrate_without_a_traceback(tmp_path: Path) -> None:
    result = run_luutru(
        "migrate",
        LUUTRU_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://u:secret@127.0.0.1:1/x",
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Không kết nối được cơ sở dữ liệu")
    assert "secret" not in result.stderr

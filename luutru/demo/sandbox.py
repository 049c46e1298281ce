"""The training sandbox (môi trường tập huấn): a demo province of its own, put back as it was
before each class.

The sandbox is a complete install in its own data directory, ``SANDBOX_DIR/du-lieu`` (its own
SQLite database, files, replica and search index), so that nothing trainees do reaches the real
archive. It is built once by the demo loader (``luutru demo --no-serve``, run as a separate
process with ``LUUTRU_DATA_DIR`` pointing into the sandbox and every other location setting
removed), and the result is kept as the starting state, ``SANDBOX_DIR/ban-goc``. A reset
replaces the working copy with a fresh copy of the starting state, which takes seconds; a
rebuild (``--rebuild``) loads the demo province again, e.g. after an upgrade.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WORKING = "du-lieu"
PRISTINE = "ban-goc"
# Settings that would point the sandbox at the real archive's database, files or keys: none of
# them reaches the sandbox's processes, which then keep everything under their data dir.
LOCATION_SETTINGS = (
    "DATABASE_URL", "STORAGE_URL", "REPLICA_URL", "SEARCH_BACKEND", "SEARCH_INDEX_DIR",
    "DERIVED_DIR", "ACCESS_DELIVERY_DIR", "ACCESS_SIGNING_KEY", "ACCESS_SIGNING_CERT",
    "ACCESS_SIGNING_CHAIN", "DIGITIZATION_SIGNING_KEY", "DIGITIZATION_SIGNING_CERT",
    "DIGITIZATION_SIGNING_CHAIN", "TRUST_ROOTS_DIR", "LUUTRU_BACKUP_DIR", "LUUTRU_SANDBOX_DIR",
)  # fmt: skip


class SandboxError(Exception):
    """The sandbox could not be built or reset; the message is for the operator."""


@dataclass(frozen=True)
class Reset:
    data_dir: Path
    rebuilt: bool  # the demo loader ran (first reset, or --rebuild)


def root() -> Path:
    return Path(settings.SANDBOX_DIR).resolve()


def data_dir() -> Path:
    """The sandbox's working data directory (its LUUTRU_DATA_DIR)."""
    return root() / WORKING


def environment(data: Path) -> dict[str, str]:
    """The environment of a process working on the sandbox whose data dir is ``data``."""
    env = {k: v for k, v in os.environ.items() if k not in LOCATION_SETTINGS}
    env["LUUTRU_DATA_DIR"] = str(data)
    env["DJANGO_SETTINGS_MODULE"] = "luutru.settings"
    return env


def luutru(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``luutru ARGS`` on the sandbox in a process of its own (settings are per process)."""
    return subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "luutru.cli", *args],
        env=environment(data),
        capture_output=True,
        text=True,
        check=False,
    )


def reset(*, rebuild: bool = False) -> Reset:
    """Put the sandbox back to its starting state; build that state first if needed."""
    base = root()
    if base == Path(settings.DATA_DIR).resolve() or Path(settings.DATA_DIR).resolve() in (
        base / WORKING,
        base / PRISTINE,
    ):
        raise SandboxError(
            "Thư mục tập huấn trùng thư mục dữ liệu đang dùng; hãy đặt LUUTRU_SANDBOX_DIR khác."
        )
    pristine = base / PRISTINE
    built = False
    if rebuild or not (pristine / "luutru.sqlite3").is_file():
        _build(pristine)
        built = True
    working = base / WORKING
    if working.exists():
        shutil.rmtree(working)
    shutil.copytree(pristine, working, symlinks=True)
    return Reset(working, built)


def _build(pristine: Path) -> None:
    """Load the demo province into a new starting state (the old one is kept until it works)."""
    pristine.parent.mkdir(parents=True, exist_ok=True)
    fresh = pristine.with_name(f"{pristine.name}.moi")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir()
    done = luutru(fresh, "demo", "--no-serve")
    if done.returncode == 0:
        # The work the loader queued (the search index above all) is done before the class,
        # not by the first trainee's worker.
        done = luutru(fresh, "db_worker", "--batch", "--no-startup-delay")
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(không rõ)"]
        raise SandboxError(f"Không nạp được tỉnh mẫu cho môi trường tập huấn: {detail[0]}")
    # Nothing of the loader's run belongs in the starting state but the data itself.
    for scratch in ("work", "staticfiles"):
        shutil.rmtree(fresh / scratch, ignore_errors=True)
    if pristine.exists():
        shutil.rmtree(pristine)
    fresh.rename(pristine)

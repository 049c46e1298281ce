#!/usr/bin/env bash
# Cài các gói hệ thống mà Lưu trữ số cần (Debian, chạy với quyền root), rồi bảo đảm có `uv`.
#
# Idempotent and quiet: a package is installed only when dpkg says it is missing, and
# `apt-get update` runs only when something must be installed, so a repeated run needs no
# network. Not root, or not Debian: prints a note (in Vietnamese) and carries on.
set -euo pipefail

APT_PACKAGES=(
    chromium            # browser tests (Playwright drives /usr/bin/chromium)
    postgresql          # throwaway test cluster, production database
    postgresql-contrib  # unaccent and friends
    gettext             # msgfmt for compilemessages
    fonts-dejavu-core   # Vietnamese-capable fonts for screenshots and generated PDFs
    fonts-noto-core
    libpango-1.0-0      # WeasyPrint renders the PDF inventories and handover records
    libpangoft2-1.0-0
    qpdf                # command-line companion of pikepdf, for operators inspecting PDFs
    poppler-utils       # pdftotext/pdftoppm: tests read and render the generated PDFs
    tesseract-ocr       # OCR of scanned pages (digitization)
    tesseract-ocr-vie   # Tesseract's Vietnamese model
    ghostscript         # OCRmyPDF's PDF/A conversion
    ffmpeg              # ffprobe/ffmpeg: check photos' sound and film, make playable access copies
    ca-certificates
    make
    git
    wrk                 # make bench: requests/s of the portal beside a Django hello-world
)

note() { printf '%s\n' "install-system: $*" >&2; }

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

uv_available() {
    command -v uv >/dev/null 2>&1 && return 0
    [ -x "$HOME/.local/bin/uv" ] && return 0
    python3 -m uv --version >/dev/null 2>&1
}

pip_available() { python3 -m pip --version >/dev/null 2>&1; }

# --- system packages ---------------------------------------------------------------------
if [ -r /etc/debian_version ] && command -v dpkg-query >/dev/null 2>&1; then
    wanted=("${APT_PACKAGES[@]}")
    # Debian's python3 ships without pip; we need it once to bootstrap uv.
    if ! uv_available && ! pip_available; then
        wanted+=(python3-pip)
    fi
    missing=()
    for pkg in "${wanted[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" -eq 0 ]; then
            note "đang cài gói hệ thống: ${missing[*]}"
            log="$(mktemp "${TMPDIR:-/tmp}/luutru-apt.XXXXXX")"
            export DEBIAN_FRONTEND=noninteractive
            if ! { apt-get update -q && apt-get install -y -q --no-install-recommends \
                    "${missing[@]}"; } >"$log" 2>&1; then
                tail -n 40 "$log" >&2
                note "cài gói hệ thống thất bại (nhật ký đầy đủ: $log)"
                exit 1
            fi
            rm -f "$log"
        else
            note "chưa chạy với quyền root nên không tự cài được các gói: ${missing[*]}."
            note "hãy chạy: sudo apt-get install ${missing[*]} — tiếp tục với những gì đang có."
        fi
    fi
else
    note "không phải Debian: bỏ qua bước cài gói hệ thống. Cần có sẵn: Chromium, PostgreSQL,"
    note "gettext, phông DejaVu/Noto, make, git và Python 3.11."
fi

# --- uv -----------------------------------------------------------------------------------
if ! uv_available; then
    note "đang cài uv bằng pip"
    if ! python3 -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then
        # Debian marks its Python as externally managed (PEP 668).
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages uv
    fi
    command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
    if ! uv_available; then
        note "không tìm thấy uv sau khi cài; hãy thêm thư mục chứa uv vào PATH."
        exit 1
    fi
fi

"""Settings for Lưu trữ số: one file, every knob from an environment variable.

Embedded defaults (SQLite in WAL mode and files under ``LUUTRU_DATA_DIR``) need no server;
``DATABASE_URL`` switches to PostgreSQL. Bad values stop start-up with a Vietnamese message.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from luutru.lib.env import data_dir, database_config, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir("LUUTRU_DATA_DIR", BASE_DIR / "var")


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in the data directory."""
    from_env = env_str("SECRET_KEY", "")
    if from_env:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "Lưu trữ số")
# The site's public address (https://luutru.example.gov.vn), for links in e-mails sent outside
# a request (a reader's notices); empty: the links are paths only.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
# The archive's address, hours, contact, reading-room rules and fees (access/reading_room.py):
# a TOML file the administrator edits; empty: $LUUTRU_DATA_DIR/phong-doc.toml.
READING_ROOM_FILE = env_str("READING_ROOM_FILE", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before django_tasks_db: its `db_worker` command is replaced by one that reports a
    # heartbeat (luutru/workers), so that the tasks of a dead worker can be queued again.
    "luutru.workers",
    "django_tasks",
    "django_tasks_db",
    # In INSTALLED_APPS so that /api/v1/docs serves the Swagger UI bundled in the package
    # (static files) instead of loading it from a CDN: the servers have no Internet access.
    "ninja",
    "luutru.audit",
    "luutru.accounts",
    "luutru.organizations",
    "luutru.storage",
    "luutru.records",
    "luutru.ingest",
    "luutru.digitization",
    "luutru.preservation",
    "luutru.search",
    "luutru.access",
    "luutru.retention",
    "luutru.exhibitions",
    "luutru.portal",
    "luutru.reports",
    "luutru.staff",
    "luutru.demo",
    "luutru.api",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below) and Permissions-Policy.
    "csp.middleware.CSPMiddleware",
    "luutru.lib.middleware.PermissionsPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that may answer (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public doors (portal, downloads, API, OAI-PMH, IIIF): one counter a day, no personal data;
    # before the page cache, so that cached pages count too.
    "luutru.reports.middleware.DoorCountMiddleware",
    # Anonymous public pages from the cache, before sessions and users are loaded.
    "luutru.portal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luutru.lib.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "luutru.api.auth.TokenMiddleware",  # /api/ only: Authorization: Bearer <token>
    # Administrators, heads and archivists pass the second factor before any other page.
    "luutru.accounts.middleware.SecondFactorMiddleware",
    # After the user is known: large bodies only from staff (413 in Vietnamese otherwise).
    "luutru.lib.middleware.BodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luutru.urls"
WSGI_APPLICATION = "luutru.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luutru.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": database_config(env_str("DATABASE_URL", ""), DATA_DIR / "luutru.sqlite3"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "luutru.organizations.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"  # readers go to the public site: accounts.views.LoginView
LOGOUT_REDIRECT_URL = "accounts:login"
# Second factor (accounts/services.py): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = SITE_NAME

# Login throttling: five failures from one user name and address lock them out for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address: X-Forwarded-For is believed only from these proxies (addresses or
# networks, comma-separated; none by default, so a client cannot pick the address it is counted
# under). Set it to nginx's address when nginx runs on another host than the application.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "luutru.lib.ratelimit.client_ip"

# Production behind nginx with TLS (deploy/): HTTPS=true turns on the redirect to https://, secure
# cookies and HSTS, and trusts nginx's X-Forwarded-Proto (nginx sets it, clients cannot).
# Off by default so `runserver` and the embedded demo work over plain http://localhost.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
# Cookies sent only over https mean the site is served over TLS, which ends at nginx: believe its
# scheme header and send HSTS (Django sends it only on requests it sees as secure, so the two go
# together) with either setting; HTTPS=true alone also redirects http:// to https://.
_TLS = HTTPS or SESSION_COOKIE_SECURE
if _TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600 if _TLS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
# "preload" only consents to the browsers' list; nothing happens until someone submits the site.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", _TLS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10, minimum=1) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from our own static files — no inline
# <script>, no on…= handlers, no eval (luutru/tests/test_security_headers.py scans the
# templates). Styles allow 'unsafe-inline': templates carry style= attributes and htmx injects
# its indicator style; injected CSS cannot run code. No frame-ancestors: X_FRAME_OPTIONS
# already refuses framing, and the views meant for agencies' iframes opt out of it one by one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Permissions-Policy (lib/middleware.py): features no page of ours uses are refused to every
# page and frame, so an injected or framed script cannot ask for them either.
PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
} | {"fullscreen": "(self)"}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # No manifest: pages render before `collectstatic` has ever run (tests, a fresh demo).
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Serve straight from the source folders as well, so `runserver` and tests need no collectstatic.
WHITENOISE_USE_FINDERS = True

# Stored files (content-addressed by SHA-256): a directory (STORAGE_URL=file:///srv/luutru/kho)
# or an S3-compatible bucket (STORAGE_URL=s3://bucket/prefix?endpoint=https://host:port, keys
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); `luutru.storage.s3` says more.
# The second copy (bản dự phòng, TT 05/2025 Điều 27), REPLICA_URL, takes the same forms, ideally
# on another disk or server. An explicit directory must exist: a disk that is not mounted is
# reported as unavailable, never recreated empty.


def _storage_url(name: str) -> str:
    value = env_str(name, "").strip()
    if "://" in value and not value.startswith(("file://", "s3://")):
        raise ImproperlyConfigured(
            f"{name}={value!r} chưa được hỗ trợ: hãy dùng một thư mục (file:///…) "
            "hoặc một bucket S3 (s3://bucket/thu-muc?endpoint=https://may-chu:cong)."
        )
    if value.startswith("s3://"):
        from luutru.storage.backends import StorageError
        from luutru.storage.s3 import parse_s3_url  # plain parsing: boto3 loads on first use

        try:
            parse_s3_url(value)
        except StorageError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return value


def _storage_root(url: str, default: Path) -> Path:
    return default if not url or url.startswith("s3://") else Path(url.removeprefix("file://"))


STORAGE_URL = _storage_url("STORAGE_URL")
STORAGE_ROOT = _storage_root(STORAGE_URL, DATA_DIR / "files")
REPLICA_URL = _storage_url("REPLICA_URL")
REPLICA_ROOT = _storage_root(REPLICA_URL, DATA_DIR / "replica")
REPLICA_CREATE = not REPLICA_URL
# The audit trail's anchor outside the database (audit/anchor.py, ADR 0010): the key that signs
# every event (made on first use, mode 0600; keep a copy away from the database and its
# backups) and the folders that receive a signed checkpoint at each `luutru audit checkpoint`
# (hourly, deploy/systemd) — by default the data directory and the local replica.
AUDIT_KEY_FILE = Path(env_str("AUDIT_KEY_FILE", str(DATA_DIR / "audit.key")))
AUDIT_CHECKPOINT_DIRS = [
    Path(folder)
    for folder in env_list(
        "AUDIT_CHECKPOINT_DIRS",
        [str(DATA_DIR / "audit-checkpoints")]
        + ([] if REPLICA_URL.startswith("s3://") else [str(REPLICA_ROOT / "audit-checkpoints")]),
    )
]
# Where a backup started from the preservation dashboard goes (each in a new dated folder,
# holding only the files the previous one there lacks); `luutru backup PATH` goes anywhere.
BACKUP_DIR = Path(env_str("LUUTRU_BACKUP_DIR", "") or DATA_DIR / "backups")
# The training sandbox (`luutru sandbox reset`): a demo province with its own data dir inside.
SANDBOX_DIR = Path(env_str("LUUTRU_SANDBOX_DIR", "") or DATA_DIR / "sandbox")
# Fixity audits (kiểm tra toàn vẹn): every file and its replica re-hashed at least once per
# cycle (TT 05 asks 3 years; 90 days by default), a share of the holdings each run.
FIXITY_CYCLE_DAYS = env_int("FIXITY_CYCLE_DAYS", 90, minimum=1)
FIXITY_INTERVAL_HOURS = env_int("FIXITY_INTERVAL_HOURS", 24, minimum=1)

# Background work: the database-backed queue; `luutru db_worker` runs it (one per core).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task left running by a worker that has not reported for this long (killed, machine switched
# off) is queued again by `luutru tasks --requeue-stalled` (a timer); workers report every quarter
# of it. After TASK_MAX_ATTEMPTS dead workers, the task is marked failed instead (it may be
# what kills them).
TASK_STALL_SECONDS = env_int("TASK_STALL_SECONDS", 120, minimum=4)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)

# Ingest: where packages are unpacked while checked, the limits that refuse archive bombs and
# oversize packages, and the certificate authorities whose PDF signatures are trusted.
INGEST_WORK_DIR = DATA_DIR / "work"
# Uploaded packages wait here for a worker. With web and worker processes on several machines it
# must be one folder they all mount (NFS or the like): a worker reads the package a web process
# saved.
INGEST_UPLOAD_DIR = Path(env_str("INGEST_UPLOAD_DIR", str(DATA_DIR / "incoming")))
# Large uploads spool here, not to /tmp, which is often small on servers.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "incoming" / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
INGEST_MAX_BYTES = env_int("INGEST_MAX_GB", 50, minimum=1) * 1024**3
INGEST_MAX_FILES = env_int("INGEST_MAX_FILES", 500_000, minimum=1)
INGEST_MAX_RATIO = float(env_int("INGEST_MAX_RATIO", 200, minimum=2))
INGEST_WORKERS = env_int("INGEST_WORKERS", min(4, os.cpu_count() or 1), minimum=1)
TRUST_ROOTS_DIR = Path(env_str("TRUST_ROOTS_DIR", str(DATA_DIR / "trust")))
# Photos, audio, video (ảnh, ghi âm, ghi hình): a file larger than MEDIA_MAX_GB or a picture of
# more than MEDIA_MAX_MEGAPIXELS is refused before it is decoded (a pixel bomb is like a zip
# bomb); ffprobe gets MEDIA_PROBE_SECONDS, the full decode that finds truncated or lying files
# MEDIA_DECODE_SECONDS (then it is killed and the file warned about as not fully checked), and
# making an access copy MEDIA_TRANSCODE_SECONDS.
MEDIA_MAX_BYTES = env_int("MEDIA_MAX_GB", 4, minimum=1) * 1024**3
MEDIA_MAX_PIXELS = env_int("MEDIA_MAX_MEGAPIXELS", 150, minimum=1) * 1_000_000
MEDIA_PROBE_SECONDS = env_int("MEDIA_PROBE_SECONDS", 60, minimum=1)
MEDIA_DECODE_SECONDS = env_int("MEDIA_DECODE_SECONDS", 900, minimum=1)
MEDIA_TRANSCODE_SECONDS = env_int("MEDIA_TRANSCODE_SECONDS", 3600, minimum=10)
FFMPEG_BINARY = env_str("FFMPEG_BINARY", "ffmpeg")
FFPROBE_BINARY = env_str("FFPROBE_BINARY", "ffprobe")
# A running transfer whose worker has not reported for this long (killed, machine restarted) is
# queued again by `luutru ingest --resume-stalled` (a timer); the worker reports at every step and
# at least every 15 s while it checks or stores files.
INGEST_STALL_SECONDS = env_int("INGEST_STALL_SECONDS", 600, minimum=60)
# `luutru clean_leftovers` (a daily timer) removes what is left behind once older than this:
# uploaded packages of finished transfers, spooled files of killed uploads, work folders of
# killed runs, partial blobs of killed writes. Never a file of a transfer still in progress.
LEFTOVERS_MAX_AGE_HOURS = env_int("LEFTOVERS_MAX_AGE_HOURS", 72, minimum=1)
# Days the archive has to check and accept (or return) a received transfer, counted from the day
# the package was handed over. TT 05/2025 Chương IV gives the archive 60 days to confirm a
# transfer (known through third-party digests only, regulations.md §5.1): change it here if the
# official text or a provincial rule says otherwise.
TRANSFER_REVIEW_DAYS = env_int("TRANSFER_REVIEW_DAYS", 60, minimum=1)

# Digitization (số hóa): Tesseract with the Vietnamese model, one page per worker thread (each
# Tesseract capped to one thread), page checks of TT 05/2025 Điều 8. DIGITIZATION_LOW_DEPTH says
# what grey or bitonal scans (below 24-bit colour, which TT 05 asks for) get: "error" (default),
# or "warn" / "allow" for an archive that relaxes it (the document's description then says so).
TESSERACT_BINARY = env_str("TESSERACT_BINARY", "tesseract")
OCR_LANGUAGE = env_str("OCR_LANGUAGE", "vie")
OCR_TIMEOUT_SECONDS = env_int("OCR_TIMEOUT_SECONDS", 300, minimum=10)
DIGITIZATION_WORKERS = env_int("DIGITIZATION_WORKERS", os.cpu_count() or 1, minimum=1)
# A running batch whose worker has not reported for this long is shown as stopped, with a button
# to go on from the first page not done (the worker reports at least every 15 s).
DIGITIZATION_STALL_SECONDS = env_int("DIGITIZATION_STALL_SECONDS", 120, minimum=30)
DIGITIZATION_MAX_PAGES = env_int("DIGITIZATION_MAX_PAGES", 1000, minimum=1)
DIGITIZATION_JPEG_QUALITY = env_int("DIGITIZATION_JPEG_QUALITY", 85, minimum=30)
DIGITIZATION_LOW_DEPTH = env_str("DIGITIZATION_LOW_DEPTH", "error").strip().lower()
if DIGITIZATION_LOW_DEPTH not in {"warn", "error", "allow"}:
    raise ImproperlyConfigured(
        f"Biến môi trường DIGITIZATION_LOW_DEPTH={DIGITIZATION_LOW_DEPTH!r} không hợp lệ: "
        "hãy dùng warn, error hoặc allow."
    )
DIGITIZATION_WORK_DIR = DATA_DIR / "digitization"
# Every PDF/A made by digitization is signed by the archive (TT 05/2025 Điều 8): PEM key,
# certificate and chain. Empty: the archive's certificate for certified copies (ACCESS_SIGNING_*).
DIGITIZATION_SIGNING_KEY = env_str("DIGITIZATION_SIGNING_KEY", "")
DIGITIZATION_SIGNING_CERT = env_str("DIGITIZATION_SIGNING_CERT", "")
DIGITIZATION_SIGNING_CHAIN = env_list("DIGITIZATION_SIGNING_CHAIN", [])
# A scan batch is uploaded one image per page: let an oversize one reach the batch's own check,
# which names the limit in Vietnamese, instead of Django's bare 400 at 100 files.
DATA_UPLOAD_MAX_NUMBER_FILES = 5 * DIGITIZATION_MAX_PAGES

# JSON API (/api/v1): requests per minute from one address for anonymous callers (0 = no
# limit). Counted in the cache, so per process unless a shared cache is configured.
API_ANON_PER_MINUTE = env_int("API_ANON_PER_MINUTE", 120, minimum=0)
# Per-address limits a minute (lib/ratelimit.py; 0 = no limit) on the other doors a script can
# hammer: sign-in attempts (beside axes's per-account lockout), password-reset mail, OAI-PMH and
# IIIF (a viewer asks one image per page it shows).
LOGIN_PER_MINUTE = env_int("LOGIN_PER_MINUTE", 20, minimum=0)
PASSWORD_RESET_PER_MINUTE = env_int("PASSWORD_RESET_PER_MINUTE", 3, minimum=0)
REQUEST_TRACK_PER_MINUTE = env_int("REQUEST_TRACK_PER_MINUTE", 10, minimum=0)
OAI_PER_MINUTE = env_int("OAI_PER_MINUTE", 120, minimum=0)
IIIF_PER_MINUTE = env_int("IIIF_PER_MINUTE", 600, minimum=0)
# Request bodies (lib/middleware.py BodyLimitMiddleware): only staff signed in (pages, or the
# transfers API with their token) may send more than PUBLIC_MAX_BODY_KB; nginx caps the rest.
PUBLIC_MAX_BODY_BYTES = env_int("PUBLIC_MAX_BODY_KB", 1024, minimum=1) * 1024

# Anonymous public pages are kept this long at most (portal/cache.py); any change to what they
# show retires them at once. 0 turns the page cache off. The search page, whose index follows
# changes in the background, is kept for PORTAL_SEARCH_CACHE_SECONDS at most.
PORTAL_CACHE_SECONDS = env_int("PORTAL_CACHE_SECONDS", 300, minimum=0)
PORTAL_SEARCH_CACHE_SECONDS = env_int("PORTAL_SEARCH_CACHE_SECONDS", 10, minimum=0)
PORTAL_CACHE_ALIAS = "default"
# Each process's count of public door uses is written this often (reports/middleware.py).
DOOR_COUNT_FLUSH_SECONDS = env_int("DOOR_COUNT_FLUSH_SECONDS", 5, minimum=0)
# Per process, in memory: pages are retired through the database, so nothing is shared.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Search (tra cứu): "embedded" (default) is a tantivy index under SEARCH_INDEX_DIR, derived
# from the database and rebuilt by `luutru reindex`; "postgres" uses PostgreSQL full-text search.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "embedded").strip().lower()
if SEARCH_BACKEND not in {"embedded", "postgres"}:
    raise ImproperlyConfigured(
        f"Biến môi trường SEARCH_BACKEND={SEARCH_BACKEND!r} không hợp lệ: "
        "hãy dùng embedded hoặc postgres."
    )
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(DATA_DIR / "search")))
# Text extraction of born-digital files (PDF text layer, DOCX, ODT, XML) after acceptance:
# bounded in input size, pages, characters kept, XML part size and time; over a limit the file
# is reported (FileExtraction.reason), never blocks an ingest.
SEARCH_EXTRACT_MAX_BYTES = env_int("SEARCH_EXTRACT_MAX_BYTES", 200_000_000, minimum=1)
SEARCH_EXTRACT_MAX_PAGES = env_int("SEARCH_EXTRACT_MAX_PAGES", 2000, minimum=1)
SEARCH_EXTRACT_MAX_CHARS = env_int("SEARCH_EXTRACT_MAX_CHARS", 1_000_000, minimum=1)
SEARCH_EXTRACT_MAX_XML = env_int("SEARCH_EXTRACT_MAX_XML", 20_000_000, minimum=1)
SEARCH_EXTRACT_SECONDS = env_int("SEARCH_EXTRACT_SECONDS", 60, minimum=1)

# Use (khai thác): working-day calendar beyond the public holidays the `holidays` package knows
# (ISO dates, comma-separated), where deliveries are kept, and the archive's signing key and
# certificate for certified copies (bản sao có xác thực); `make demo` writes a demo pair there.
ACCESS_EXTRA_DAYS_OFF = env_list("ACCESS_EXTRA_DAYS_OFF", [])
ACCESS_EXTRA_WORKING_DAYS = env_list("ACCESS_EXTRA_WORKING_DAYS", [])
ACCESS_DELIVERY_DIR = Path(env_str("ACCESS_DELIVERY_DIR", str(DATA_DIR / "deliveries")))
# Mật (03) records' files encrypted at rest (ADR 0011): a file holding a 32-byte AES-256 key
# (raw, hex or base64), outside the database and the backups. Empty: files are stored as they are.
MAT_KEY_FILE = env_str("MAT_KEY_FILE", "")
ACCESS_SIGNING_KEY = Path(env_str("ACCESS_SIGNING_KEY", str(DATA_DIR / "signing" / "archive.key")))
ACCESS_SIGNING_CERT = Path(
    env_str("ACCESS_SIGNING_CERT", str(DATA_DIR / "signing" / "archive.crt"))
)
ACCESS_SIGNING_CHAIN = env_list("ACCESS_SIGNING_CHAIN", [str(DATA_DIR / "signing" / "ca.crt")])
# Online doors (portal app): CORS for agency websites on the public API, IIIF, OAI-PMH, the
# widget's script and the recordings and captions it plays (with crossorigin="anonymous",
# without which a <track> from another origin is refused); every origin unless
# CORS_ALLOWED_ORIGINS lists some. No cookies cross over.
CORS_URLS_REGEX = (
    r"^/(api/v1/|iiif/|oai$|static/js/widget\.js$"
    r"|tai-lieu/[^/]+/(nghe-xem/\d+|phu-de/\d+\.vtt)$)"
)
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
# Derived, rebuildable files (page images for the viewer and IIIF); deleting them costs only time.
DERIVED_DIR = Path(env_str("DERIVED_DIR", str(DATA_DIR / "derived")))
OAI_REPOSITORY_ID = env_str("OAI_REPOSITORY_ID", "luutru.local")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "luutru@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Their warnings (an untrusted signer, a bag problem) reach the user in the ingest report,
    # in Vietnamese; the libraries' own English tracebacks would only bury it.
    "loggers": {
        name: {"level": "ERROR"} for name in ("pyhanko", "pyhanko_certvalidator", "bagit", "fido")
    },
}

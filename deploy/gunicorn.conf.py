"""gunicorn for Lưu trữ số behind nginx (deploy/systemd/luutru-web.service).

One worker per core, as many as the machine has, unless WEB_WORKERS says otherwise. Workers
are synchronous: the slow work (ingest, OCR, fixity) runs in `luutru db_worker`, not here.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "0")) or multiprocessing.cpu_count()
# Staff uploads of large packages stream through nginx to here; give them time.
timeout = int(os.environ.get("WEB_TIMEOUT", "300"))
graceful_timeout = 30
# Recycle workers now and then: a slow leak in a library never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# nginx is the only client; it sets X-Forwarded-For / -Proto.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"

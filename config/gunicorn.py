"""Gunicorn's settings on a council's servers, read from the environment:
`gunicorn -c config/gunicorn.py config.wsgi` (the Dockerfile and docker-compose.yml).
https://gunicorn.org/reference/settings/

| variable | default |
|---|---|
| PORT | 8000 |
| WEB_CONCURRENCY | 2 x CPU cores + 1, at most 8: worker processes |
| GUNICORN_THREADS | 1: threads per worker (more than 1 uses the gthread worker) |
| GUNICORN_TIMEOUT | 60: seconds a request may take before its worker is restarted |
| FORWARDED_ALLOW_IPS | 127.0.0.1,::1: the proxies trusted for X-Forwarded-* |
| LOG_FORMAT | json (or plain), LOG_LEVEL INFO: as the app's own logs (config/logs.py) |
"""

import os
import sys
from pathlib import Path

# Gunicorn reads this file before it puts the project folder on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.logs import gunicorn_logging_config  # noqa: E402


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Inside a container the port is reachable only where it is published, and the
# proxy in front reaches it from another address: every interface is meant.
bind = f"0.0.0.0:{_int('PORT', 8000)}"

# Each worker holds a database connection and the app (about 150 MB); beyond
# eight, a bigger database connection pool buys more than more workers do.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = _int("WEB_CONCURRENCY", min(2 * (CORES or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 1)

# A committee pack PDF is the slowest page (a few seconds); a minute is far past
# anything legitimate, and a worker stuck that long is restarted.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On a deploy or restart, requests under way get this long to finish.
graceful_timeout = 30
# Kept-alive connections from the proxy (threaded workers only: sync workers
# close each connection after its response).
keepalive = 5

# X-Forwarded-Proto and X-Forwarded-For are believed only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Each worker is replaced after about a thousand requests, at staggered times, so
# a slow leak in any library never grows large.
max_requests = 1000
max_requests_jitter = 100

# The worker heartbeat file on memory rather than the container's overlay disk,
# whose slow writes can make gunicorn think a worker has hung (gunicorn's own
# advice for Docker). Gunicorn makes its files there with mkstemp, under names
# nobody can predict, which is what the temporary-directory warning is about.
SHARED_MEMORY = "/dev/shm"  # noqa: S108  # nosec B108
if Path(SHARED_MEMORY).is_dir():
    worker_tmp_dir = SHARED_MEMORY

# The container platform restarts and scales the service; the runtime control
# socket is not needed, and one fewer way in.
control_socket_disable = True

# Logs to stdout, in the app's format. The access log names the path but not
# the query string, which may hold a feed token (progress/feeds.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = gunicorn_logging_config(
    os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO").upper()
)

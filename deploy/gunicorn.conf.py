"""Gunicorn for 就近 in production: `gunicorn -c deploy/gunicorn.conf.py` (see deploy/jiujin.service).

Behind nginx on the same host (deploy/nginx.conf). Every value can be changed without editing this file,
through the environment (deploy/env.example, /etc/jiujin/env):

GUNICORN_BIND         127.0.0.1:8000 (comma-separated for several; unix:/run/jiujin/gunicorn.sock works too)
WEB_CONCURRENCY       worker processes, default 2 x cores + 1
GUNICORN_THREADS      threads per worker, default 4
GUNICORN_TIMEOUT      seconds a request may take, default 120 (a 50 MB roster upload and its preview)
FORWARDED_ALLOW_IPS   proxies whose X-Forwarded-* headers are trusted, default 127.0.0.1,::1
LOG_LEVEL             info
"""

import gc
import os

wsgi_app = "jiujin.wsgi:application"
proc_name = "jiujin"

bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b.strip()]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, CPUAffinity=)
    except AttributeError:
        return os.cpu_count() or 1


# Threads rather than more processes: each process holds its own copy of Django (~100 MB), while most of a
# request's time is spent waiting on the database. Sync-only Django code is fine in threads.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A roster import uploads up to 50 MB and parses it in the request; give it two minutes. nginx's
# proxy_read_timeout is set a little longer so that gunicorn, not the proxy, decides.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = timeout  # a restart lets a running import finish
keepalive = 5  # nginx keeps connections to the upstream open (keepalive in deploy/nginx.conf)

# Recycle workers now and then, staggered, so that a slow leak in any library never grows without bound.
max_requests = 1000
max_requests_jitter = 100

# Each worker imports the app itself: a restart (HUP) picks up new code, and no database connection is
# shared across a fork.
preload_app = False


def post_worker_init(worker: object) -> None:
    """The app is loaded: move its import-time objects out of the collector's reach, so a full collection
    no longer walks Django's hundreds of thousands of them (bench: single 130–190 ms pauses on pages whose SQL
    took under 10 ms)."""
    gc.freeze()


# X-Forwarded-Proto and -For are believed only from nginx on this host. Django itself reads the scheme
# through SECURE_PROXY_SSL_HEADER (JIUJIN_SECURE=1) and django-axes the client address (AXES_PROXY_COUNT=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file of each worker in memory, not on a disk that may stall (gunicorn's own advice).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Gunicorn 25+ opens a control socket for `gunicornc`; under systemd put it in RuntimeDirectory (/run/jiujin)
# instead of the service user's home, which ProtectSystem=strict makes read-only.
if runtime_dir := os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(runtime_dir.split(":")[0], "gunicorn.ctl")

# Logs go to stdout/stderr, that is the journal under systemd. The access log has the client address as
# nginx saw it (X-Real-IP, deploy/nginx.conf), the path without its query string (search terms can be names or ID numbers, which stay out
# of logs), the status, the size and the time taken in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-real-ip}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

"""gunicorn settings, read from the environment (used by the Procfile's web process)."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two to four per core: requests wait on the database far more than they compute.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 30
graceful_timeout = 20
max_requests = 2000  # a worker is replaced now and then, so slow leaks never add up
max_requests_jitter = 200
# Only the proxy on this machine may say a request came over HTTPS, or from which address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
# The request line with "/es/a/<token>/…" in place of an owner's link (config/access_log.py).
logger_class = "config.access_log.AccessLogger"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

"""/healthz: whether the parts the service needs are answering, for a load
balancer, a container's healthcheck or a monitoring service.

It answers without sign-in, so it says nothing but "ok", "down" or "not configured"
for each part: no versions, host names or error text (those go to the log). 200
when every part the service needs is up, 503 naming what is down. Without
REDIS_URL tasks run in-process, so Redis and Celery are "not configured" and no
failure; the same holds for Celery wherever tasks run eagerly (the test settings).
Every check has a short timeout, so one dead part cannot hang the answer.
"""

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"
NOT_CONFIGURED = "not configured"

# Seconds. A load balancer typically gives up on a check after five.
REDIS_TIMEOUT = 2
CELERY_PING_TIMEOUT = 1


def check_database():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: the database did not answer", exc_info=True)
        return DOWN
    return OK


def check_redis():
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )
    try:
        client.ping()
    except (redis.RedisError, OSError):
        logger.warning("Health check: Redis did not answer", exc_info=True)
        return DOWN
    finally:
        client.close()
    return OK


def check_celery(redis_status):
    """Whether at least one worker answers a ping through the broker."""
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return NOT_CONFIGURED
    if redis_status != OK:
        # The broker is down, so no worker can be reached (and trying would wait
        # out kombu's reconnection delays).
        return DOWN
    from config.celery_app import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=REDIS_TIMEOUT)
            # limit=1: the first worker to answer is enough, so a healthy
            # service answers without waiting out the timeout.
            replies = app.control.ping(timeout=CELERY_PING_TIMEOUT, limit=1, connection=connection)
    except Exception:
        logger.warning("Health check: could not ask the Celery workers", exc_info=True)
        return DOWN
    if not replies:
        logger.warning("Health check: no Celery worker answered within %ss", CELERY_PING_TIMEOUT)
        return DOWN
    return OK


def run_checks():
    redis_status = check_redis()
    return {
        "database": check_database(),
        "redis": redis_status,
        "celery": check_celery(redis_status),
    }


# Not inside a transaction (ATOMIC_REQUESTS would open one on the database before
# the view runs, so a database that is down would be a 500 rather than an answer).
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_safe
def healthz(request):
    checks = run_checks()
    down = DOWN in checks.values()
    return JsonResponse(
        {"status": DOWN if down else OK, "checks": checks}, status=503 if down else 200
    )

"""How log records are written: a plain line on a laptop, and on a council's servers
one JSON object per line, which a log collector (the container platform's, or a
SIEM) can search by field without parsing free text.

Django (config/settings/production.py), gunicorn (config/gunicorn.py) and Celery
(config/celery_app.py) all take their logging from ``logging_config`` here, so the
web app, its server and the workers write the same fields.
https://nhairs.github.io/python-json-logger/
"""

import logging
from collections.abc import Mapping

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "plain")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class LineJsonFormatter(JsonFormatter):
    """time, level, logger and message, then whatever the call passed as ``extra``.

    gunicorn's access log passes the request's parts as the record's arguments
    (its "atoms") rather than as ``extra``: they are added as fields too, so that
    status and duration can be searched as numbers.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # The record's creation time in UTC, ISO 8601 with microseconds: servers'
        # local clocks and daylight saving do not make two lines ambiguous.
        kwargs.setdefault("timestamp", "time")
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            log_data.update(
                remote_addr=atoms["h"],
                method=atoms["m"],
                # The path only: a feed's query string may carry its token.
                path=atoms["U"],
                status=_as_int(atoms["s"]),
                bytes=atoms["B"],
                duration_ms=atoms["M"],
                user_agent=atoms["a"],
            )


class OneLinePerRefusal(logging.Filter):
    """Django logs every 4xx response on ``django.request`` (and a CSRF failure on
    ``django.security.csrf``) with the exception's whole traceback, though a
    refused request is no fault of the code. A refusal the service has already
    logged itself (``accounts.security.log_refusal``: who, what and why) is left
    out; any other 4xx, such as a page not found, stays as its one line."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500:
            return True
        if getattr(getattr(record, "request", None), "refusal_logged", False):
            return False
        record.exc_info = None
        record.exc_text = None
        return True


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def logging_config(log_format="json", level="INFO"):
    """A ``logging.config.dictConfig`` dictionary writing every record to the
    console (the container's stdout) in ``log_format``: "json" or "plain"."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    if log_format == "json":
        formatter = {"()": "config.logs.LineJsonFormatter"}
    else:
        formatter = {"format": PLAIN_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {log_format: formatter},
        "filters": {"one_line_per_refusal": {"()": "config.logs.OneLinePerRefusal"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            # Django gives its loggers a console handler of their own while
            # DEBUG is on; everything goes to the root's one handler instead, so
            # no line is written twice.
            "django": {"handlers": [], "propagate": True},
            "django.request": {"filters": ["one_line_per_refusal"]},
            "django.security.csrf": {"filters": ["one_line_per_refusal"]},
        },
        "root": {"handlers": ["console"], "level": level},
    }


def gunicorn_logging_config(log_format="json", level="INFO"):
    """``logging_config`` for gunicorn's ``logconfig_dict``: its error and access
    logs go to the same console handler and stop there (gunicorn's defaults
    would also pass them up to the root logger, writing each line twice). Every
    request is logged whatever ``level`` is: the access log is the record of use."""
    config = logging_config(log_format, level)
    config["loggers"] |= {
        "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    }
    return config

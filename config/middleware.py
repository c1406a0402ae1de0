"""Request ids, one structured log line per request, and a clean page when the database is lost.

Log lines carry no personal data: the path without its query string (which can
hold a searched name), the status, the duration and the user's numeric id.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("requests")
error_log = logging.getLogger("django.request")
security_log = logging.getLogger("security.input")


class RequestIdFilter(logging.Filter):
    """Give every log record the id of the request it was written in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex[:12]
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "user": user.pk if user is not None and user.is_authenticated else None,
        }
        token = request_id_var.set(request_id)
        access_log.info(
            "%s %s %s %.1fms",
            fields["method"],
            fields["path"],
            fields["status"],
            fields["ms"],
            extra={"fields": fields},
        )
        request_id_var.reset(token)
        return response

    def process_exception(self, request, exception):
        # Only a lost or refused connection: a DataError or IntegrityError is a bug (500),
        # and "the database cannot be reached" would send people looking in the wrong place.
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        error_log.error("database unavailable: %s", type(exception).__name__, exc_info=exception)
        body = render_to_string("503.html", {"request_id": getattr(request, "request_id", "-")})
        return HttpResponse(body, status=503)


class RejectNulMiddleware:
    """Answer 400 to a path or query string holding a NUL character.

    PostgreSQL refuses NUL in text, so such a value reaching a query would end in a 500;
    no address or search of the product ever needs one. Forms refuse it in posted fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            security_log.warning("NUL character refused: %s", request.method)
            return render(request, "400.html", status=400)
        return self.get_response(request)

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache


def csrf_failure(request, reason=""):
    """Explain an expired form in the user's language instead of Django's English page."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page with the request id, using nothing that could fail again."""
    body = render_to_string("500.html", {"request_id": getattr(request, "request_id", "-")})
    return HttpResponse(body, status=500)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        import logging

        logging.getLogger("health").exception("health check failed")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

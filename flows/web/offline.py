"""The offline app: its page, its service worker and its manifest, served by the app.

The page is a shell that ``static/js/offline/`` (``SCRIPTS``) fills from the sync API; the service
worker keeps the shell and its files so that the page opens with no connection at all.
Its cache is named after the files' addresses, which change with every deployed version
(hashed static names), so a new version replaces the old cache; the households live in
IndexedDB, which no cache update touches.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from survey.selectors import may_enter

# In the order the page loads them: each offline file extends what the ones before made.
SCRIPTS = (
    "js/expressions.js",
    "js/scoring-rules.js",
    "js/scoring.js",
    "js/offline/texts.js",
    "js/offline/store.js",
    "js/offline/form.js",
    "js/offline/app.js",
)
SHELL_FILES = (
    "css/app.css",
    "css/offline.css",
    *SCRIPTS,
    "js/logout.js",
    "img/app-icon.svg",
    "img/app-icon-192.png",
    "favicon.svg",
)


def _require_entry(request: HttpRequest) -> None:
    if not may_enter(user=request.user):
        raise PermissionDenied


@require_GET
@login_required
def offline_app(request: HttpRequest) -> HttpResponse:
    """The page of the offline form (its data comes from the sync API)."""
    _require_entry(request)
    return render(
        request, "survey/offline.html", {"scope": reverse("survey:offline"), "scripts": SCRIPTS}
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker: the shell's files, precached under a versioned name."""
    urls = [reverse("survey:offline"), *(static(name) for name in SHELL_FILES)]
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]
    response = render(
        request,
        "survey/offline_sw.js",
        {"urls": urls, "version": version, "scope": reverse("survey:offline")},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version each time
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("survey:offline")
    return JsonResponse(
        {
            "name": "Công dân học tập – nhập phiếu ngoại tuyến",
            "short_name": "CDHT",
            "lang": "vi",
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5cad",
            # PNGs for the phones that install only from them (manage.py draw_app_icons).
            "icons": [
                {"src": static("img/app-icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                *(
                    {
                        "src": static(f"img/app-icon-{n}.png"),
                        "sizes": f"{n}x{n}",
                        "type": "image/png",
                    }
                    for n in (192, 512)
                ),
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )

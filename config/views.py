from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Explain an expired form in the user's language instead of Django's English page."""
    return render(request, "403_csrf.html", status=403)

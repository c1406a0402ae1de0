"""Look up stored criteria sets."""

from __future__ import annotations

from django.db.models import QuerySet

from criteria.models import CriteriaSet


def find_version(*, code: str, version: int | None = None) -> CriteriaSet | None:
    """Return the given version, or the latest published (else latest) version of ``code``."""
    versions = CriteriaSet.objects.filter(code=code)
    if version is not None:
        return versions.filter(version=version).first()
    published = versions.filter(status=CriteriaSet.Status.PUBLISHED).order_by("-version").first()
    return published or versions.order_by("-version").first()


def list_versions() -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.order_by("code", "version")

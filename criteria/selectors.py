"""Look up stored criteria sets."""

from __future__ import annotations

from django.db.models import QuerySet

from criteria.models import CriteriaSet
from criteria.services import load_spec
from criteria.spec import CriteriaSpec


def find_version(*, code: str, version: int | None = None) -> CriteriaSet | None:
    """Return the given version, or the latest published (else latest) version of ``code``."""
    versions = CriteriaSet.objects.filter(code=code)
    if version is not None:
        return versions.filter(version=version).first()
    published = versions.filter(status=CriteriaSet.Status.PUBLISHED).order_by("-version").first()
    return published or versions.order_by("-version").first()


def list_versions() -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.order_by("code", "version")


_published_specs: dict[int, CriteriaSpec] = {}


def spec_of(*, criteria_set: CriteriaSet) -> CriteriaSpec:
    """Return the plain spec of a version; published ones never change, so they are cached."""
    cached = _published_specs.get(criteria_set.pk)
    if cached is not None:
        return cached
    spec = load_spec(criteria_set=criteria_set)
    if spec.status != CriteriaSet.Status.DRAFT:
        _published_specs[criteria_set.pk] = spec
    return spec

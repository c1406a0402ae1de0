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


# Keyed by (id, status, published_at), not by id alone: a retired version must not be
# served with its cached "published" status, and an id reused by another set (a flushed or
# restored database, or a test database after a rollback) must not return the old spec.
_published_specs: dict[tuple, CriteriaSpec] = {}


def spec_of(*, criteria_set: CriteriaSet) -> CriteriaSpec:
    """Return the plain spec of a version; published ones never change, so they are cached."""
    if criteria_set.status == CriteriaSet.Status.DRAFT:
        return load_spec(criteria_set=criteria_set)
    key = (criteria_set.pk, criteria_set.status, criteria_set.published_at)
    cached = _published_specs.get(key)
    if cached is not None:
        return cached
    spec = load_spec(criteria_set=criteria_set)
    if spec.status == criteria_set.status:
        _published_specs[key] = spec
    return spec

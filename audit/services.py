"""Write audit entries. Every service that changes data, exports it or shows personal data calls
``record_event`` inside its own transaction, so the entry and the change land together."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from audit.models import AuditEntry
from config.middleware import request_id_var


def record_event(
    *,
    action: str,
    user: AbstractBaseUser | AnonymousUser | None,
    summary: str = "",
    unit_id: str | None = None,
    round_code: str = "",
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    ``details`` holds what an auditor needs to reconstruct the event (for a change:
    ``{"changes": [{"field", "old", "new"}]}``; for an import: file name, checksum,
    rows; for an export: the filters). It must be JSON-serialisable.
    """
    real_user = user if user is not None and user.is_authenticated else None
    request_id = request_id_var.get()
    return AuditEntry.objects.create(
        action=action,
        user=real_user,
        username=real_user.get_username() if real_user else "",
        unit_id=unit_id,
        round_code=round_code,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        details=details or {},
        request_id="" if request_id == "-" else request_id,
    )

"""Why a queued export has not started: read from the worker's heartbeat (``WorkerBeat``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exports.models import ExportJob, WorkerBeat

# A worker beats at least every few seconds while idle; a minute of silence means it is gone.
WORKER_SILENT_AFTER = timedelta(seconds=60)


def delayed_after() -> timedelta:
    return timedelta(seconds=settings.EXPORT_DELAYED_AFTER_SECONDS)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y")


def delay_reasons(*, jobs: Iterable[ExportJob], now: datetime | None = None) -> dict[int, str]:
    """Return, for each job queued longer than the set time, why it has not started."""
    now = now or timezone.now()
    limit = delayed_after()
    late = [j for j in jobs if j.status == ExportJob.Status.QUEUED and now - j.created_at > limit]
    if not late:
        return {}
    latest = WorkerBeat.objects.order_by("-seen_at").first()
    if latest is None:
        reason = _("Tiến trình xử lý nền chưa chạy lần nào; hãy báo quản trị viên.")
    elif now - latest.seen_at > WORKER_SILENT_AFTER:
        reason = _(
            "Tiến trình xử lý nền không chạy (lần cuối lúc %(when)s); hãy báo quản trị viên."
        ) % {"when": _when(latest.seen_at)}
    elif latest.last_error_at and now - latest.last_error_at < WORKER_SILENT_AFTER:
        reason = _(
            "Cơ sở dữ liệu đang bận (một thao tác ghi lớn đang chạy); sẽ tự thử lại. "
            "Lỗi lúc %(when)s: %(error)s"
        ) % {"when": _when(latest.last_error_at), "error": latest.last_error}
    else:
        reason = _("Đang làm các yêu cầu xuất trước; yêu cầu này sẽ chạy sau.")
    return {job.pk: reason for job in late}

"""An export requested from the web: who, what, how far it got, where the file is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One background export; the job runner only carries its id (``exports.tasks``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV (UTF-8)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey("survey.Round", on_delete=models.CASCADE, related_name="+")
    # What was asked for (exports.options.ExportOptions as JSON): units, level, hierarchy...
    options = models.JSONField(default=dict)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(max_length=8, default="vi")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_path = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # "host:pid" of the worker running it and its last sign of life, to find jobs whose
    # worker died (exports.queue.recover_interrupted_jobs).
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_pct"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="export_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file_path=""), name="export_done_has_file"
            ),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="export_user_created")]

    def __str__(self) -> str:
        return f"export #{self.pk} {self.round_id} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WorkerBeat(models.Model):
    """The export worker's last sign of life and its last database trouble, for the page.

    A queued job that waits too long is shown as delayed, with the reason read from here.
    """

    name = models.CharField(max_length=120, unique=True)  # "host:pid"
    seen_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

from django.core.management.base import BaseCommand, CommandError

from exports.worker import WorkerStopped, run_worker


class Command(BaseCommand):
    help = (
        "Run the background worker: recover interrupted exports, then process the queue, "
        "retrying a locked or lost database with backoff. It exits with an error when it "
        "cannot go on, so that its supervisor (dev.py run, systemd) restarts it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        try:
            run_worker(interval=options["interval"], batch=options["batch"])
        except WorkerStopped as stopped:
            raise CommandError(f"export worker stopped: {stopped}") from stopped

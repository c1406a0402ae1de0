from django.core.management import call_command
from django.core.management.base import BaseCommand

from exports.queue import recover_interrupted_jobs


class Command(BaseCommand):
    help = (
        "Run the background worker: first requeue (or mark failed) the exports a dead worker "
        "left running, then process the queue (django-tasks' db_worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        outcome = recover_interrupted_jobs()
        if outcome["requeued"] or outcome["failed"]:
            self.stdout.write(
                f"Interrupted exports: requeued {outcome['requeued']}, failed {outcome['failed']}"
            )
        worker_args = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)

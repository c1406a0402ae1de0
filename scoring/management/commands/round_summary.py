import json

from django.core.management.base import BaseCommand, CommandError

from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS
from scoring.definitions import COUNTED_STATUSES
from scoring.formatting import format_number, format_percent
from scoring.selectors import RunNotFound, criteria_version, run_of_round, run_under_version
from scoring.summary import BREAKDOWNS, AggregationError
from survey.models import ResponseStatus, Round

# (key, header, kind): "int" grouped counts, "pct" shares as percent, "num" means
TABLE_COLUMNS = [
    ("area", "Area", "text"),
    ("planned", "Planned", "int"),
    ("households", "Households", "int"),
    ("coverage", "Coverage", "pct"),
    ("members", "Members", "int"),
    ("undetermined", "Undet.", "int"),
    ("recognised", "Recog.", "int"),
    ("rate", "Rate", "pct"),
    ("ci_low", "CI low", "pct"),
    ("ci_high", "CI high", "pct"),
    ("mean_total", "Mean", "num"),
    ("adults_rate", "Adults", "pct"),
    ("cadres_rate", "Cadres", "pct"),
    ("digital_rate", "Digital", "pct"),
    ("household_rate", "HH rate", "pct"),
]


def _records(frame) -> list[dict]:
    """Rows with plain Python values (floats keep every digit; NaN becomes null)."""
    return [
        {
            key: None
            if value is None or (isinstance(value, float) and value != value)
            else value.item()
            if hasattr(value, "item")
            else value
            for key, value in row.items()
        }
        for row in frame.astype(object).to_dict("records")
    ]


def _cell(value, kind: str) -> str:
    """A table cell, rounded half up as the pages and the workbook show it (English digits)."""
    if value is None or value != value:  # None or NaN
        return "—"
    if kind == "pct":
        return format_percent(value=value, digits=1, language="en")
    if kind == "num":
        return format_number(value=value, digits=2, language="en", grouped=False)
    if kind == "int":
        return format_number(value=value, digits=0, language="en")
    return str(value)


class Command(BaseCommand):
    help = (
        "Print a round's summary by area (the figures of the report pages): households "
        "planned and surveyed, members, recognised with the 95% Wilson interval, mean total, "
        "the QĐ 677/387 rates."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument("--level", choices=LEVELS, default="commune")
        parser.add_argument("--hierarchy", choices=HIERARCHIES, default="round")
        parser.add_argument("--breakdown", choices=BREAKDOWNS, default="none")
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
        parser.add_argument("--run", type=int, help="a citizen run id of the round")
        parser.add_argument("--criteria", metavar="CODE:VERSION", help="figures under a version")
        parser.add_argument(
            "--statuses",
            default=",".join(COUNTED_STATUSES),
            help="comma-separated response statuses that count",
        )

    def handle(self, *args, **options):
        round_ = Round.objects.filter(code=options["round_code"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt khảo sát {options['round_code']!r}.")
        statuses = [s for s in options["statuses"].split(",") if s]
        unknown = set(statuses) - set(ResponseStatus.values)
        if unknown:
            raise CommandError(f"unknown statuses: {', '.join(sorted(unknown))}")
        run = None
        if options["run"] is not None:
            run = run_of_round(round_=round_, run_id=options["run"])
            if run is None:
                raise CommandError(f"run {options['run']} is not a citizen run of {round_.code}")
        elif options["criteria"]:
            try:
                run = run_under_version(
                    round_=round_, criteria_set=criteria_version(text=options["criteria"])
                )
            except (ValueError, RunNotFound) as exc:
                raise CommandError(str(exc)) from exc
        try:
            summary = summarise_round(
                round_=round_,
                run=run,
                level=options["level"],
                hierarchy=options["hierarchy"],
                breakdown=options["breakdown"],
                statuses=statuses,
            )
        except AggregationError as exc:
            raise CommandError(str(exc)) from exc
        frame = summary.frame()
        if options["format"] == "csv":
            self.stdout.write(frame.to_csv(index=False), ending="")
            return
        if options["format"] == "json":
            payload = {
                "round": round_.code,
                "run": summary.run.pk if summary.run else None,
                "criteria": str(summary.run.criteria_set) if summary.run else None,
                "level": summary.level,
                "hierarchy": summary.hierarchy,
                "statuses": list(summary.statuses),
                "areas": _records(frame),
            }
            if summary.breakdown != "none":
                payload["breakdown"] = _records(summary.breakdown_frame())
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        rows = [[label for _, label, _ in TABLE_COLUMNS]]
        for record in frame.to_dict("records"):
            rows.append([_cell(record[key], kind) for key, _, kind in TABLE_COLUMNS])
        widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
        run_text = f"{summary.run.criteria_set}" if summary.run else "no scores"
        self.stdout.write(
            f"{round_.code} – {round_.name} – {run_text} – level {summary.level} "
            f"({summary.hierarchy}) – statuses {', '.join(summary.statuses)}"
        )
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(
                    cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                    for i, cell in enumerate(row)
                )
            )
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))

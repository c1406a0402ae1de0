"""Store, version and publish criteria sets.

A published version is immutable: every write here goes through
``_ensure_editable``, and changing a published set means creating a new draft
version with ``create_draft_version``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record_event
from criteria import models as m
from criteria.spec import (
    Choice,
    ChoiceList,
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Level,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)
from criteria.validation import Problem, validate_spec


class CriteriaSetLocked(Exception):
    """The set is published or retired, so it cannot change."""


class CriteriaSetInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _ensure_editable(criteria_set: m.CriteriaSet) -> None:
    # Re-read the status: a stale object must not let a published set be rewritten.
    status = m.CriteriaSet.objects.filter(pk=criteria_set.pk).values_list("status", flat=True)
    current = status.first() if criteria_set.pk else m.CriteriaSet.Status.DRAFT
    if current != m.CriteriaSet.Status.DRAFT:
        raise CriteriaSetLocked(
            _("Bộ tiêu chí %(code)s phiên bản %(version)s đã ban hành, không thể sửa. ")
            % {"code": criteria_set.code, "version": criteria_set.version}
            + _("Hãy tạo phiên bản nháp mới.")
        )


def _locate_plain(path: str) -> tuple[str | None, int | None, str | None]:
    return None, None, path


def check_spec(*, spec: CriteriaSpec) -> list[Problem]:
    """Return every problem of a set, located by logical path."""
    return validate_spec(spec, locate=_locate_plain)


@transaction.atomic
def save_spec(*, spec: CriteriaSpec) -> m.CriteriaSet:
    """Store ``spec`` as its (code, version): create it, or replace a draft's content.

    A spec whose status is "published" is published after saving (after validation).
    """
    problems = check_spec(spec=spec)
    if problems:
        raise CriteriaSetInvalid(problems)
    existing = m.CriteriaSet.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        _ensure_editable(existing)
        _delete_content(existing)
        criteria_set = existing
    else:
        criteria_set = m.CriteriaSet(code=spec.code, version=spec.version)
    _fill_header(criteria_set, spec)
    criteria_set.status = m.CriteriaSet.Status.DRAFT
    criteria_set.published_at = None
    criteria_set.save()
    _write_content(criteria_set, spec)
    if spec.status == "published":
        publish(criteria_set=criteria_set)
    elif spec.status == "retired":
        publish(criteria_set=criteria_set)
        retire(criteria_set=criteria_set)
    return criteria_set


def _fill_header(criteria_set: m.CriteriaSet, spec: CriteriaSpec) -> None:
    criteria_set.subject = spec.subject
    criteria_set.title_vi = spec.title.vi
    criteria_set.title_en = spec.title.en
    criteria_set.legal_basis = spec.legal_basis
    criteria_set.valid_from = spec.valid_from
    criteria_set.valid_to = spec.valid_to
    criteria_set.description_vi = spec.description.vi
    criteria_set.description_en = spec.description.en
    criteria_set.local_choices = list(spec.local_choices)
    criteria_set.digital_indicator = spec.digital_indicator or ""
    criteria_set.digital_min_points = _dec(spec.digital_min_points)
    criteria_set.total_points = _dec(spec.total_points)
    rec = spec.recognition
    criteria_set.min_total = _dec(rec.min_total)
    criteria_set.min_indicator = _dec(rec.min_indicator)
    criteria_set.min_criterion_share = _dec(rec.min_criterion_share)
    criteria_set.recognition_label_vi = rec.label.vi
    criteria_set.recognition_label_en = rec.label.en


def _delete_content(criteria_set: m.CriteriaSet) -> None:
    m.ScoringRule.objects.filter(indicator__criteria_set=criteria_set).delete()
    m.Indicator.objects.filter(criteria_set=criteria_set).delete()
    m.Question.objects.filter(criteria_set=criteria_set).delete()
    m.Choice.objects.filter(choice_list__criteria_set=criteria_set).delete()
    for model in (m.ChoiceList, m.Criterion, m.TargetGroup, m.RecognitionLevel):
        model.objects.filter(criteria_set=criteria_set).delete()


def _write_content(criteria_set: m.CriteriaSet, spec: CriteriaSpec) -> None:
    cs = criteria_set
    groups = {
        g.code: g
        for g in m.TargetGroup.objects.bulk_create(
            m.TargetGroup(
                criteria_set=cs,
                position=i,
                code=g.code,
                label_vi=g.label.vi,
                label_en=g.label.en,
                min_age=g.min_age,
                max_age=g.max_age,
                cadre=g.cadre,
                same_as=list(g.same_as),
            )
            for i, g in enumerate(spec.target_groups)
        )
    }
    criteria = {
        c.code: c
        for c in m.Criterion.objects.bulk_create(
            m.Criterion(
                criteria_set=cs,
                position=i,
                code=c.code,
                label_vi=c.label.vi,
                label_en=c.label.en,
                max_points=_dec(c.max_points),
            )
            for i, c in enumerate(spec.criteria)
        )
    }
    lists = {
        cl.name: cl
        for cl in m.ChoiceList.objects.bulk_create(
            m.ChoiceList(criteria_set=cs, position=i, name=cl.name)
            for i, cl in enumerate(spec.choice_lists)
        )
    }
    m.Choice.objects.bulk_create(
        m.Choice(
            choice_list=lists[cl.name],
            position=j,
            name=ch.name,
            label_vi=ch.label.vi,
            label_en=ch.label.en,
        )
        for cl in spec.choice_lists
        for j, ch in enumerate(cl.choices)
    )
    questions = {
        q.code: q
        for q in m.Question.objects.bulk_create(
            m.Question(
                criteria_set=cs,
                position=i,
                code=q.code,
                level=q.level,
                type=q.type,
                choice_list=lists.get(q.choice_list) if q.choice_list else None,
                label_vi=q.label.vi,
                label_en=q.label.en,
                hint_vi=q.hint.vi,
                hint_en=q.hint.en,
                required=q.required,
                relevant=q.relevant,
                constraint=q.constraint,
                constraint_message_vi=q.constraint_message.vi,
                constraint_message_en=q.constraint_message.en,
                reviewer_only=q.reviewer_only,
            )
            for i, q in enumerate(spec.questions)
        )
    }
    indicators = m.Indicator.objects.bulk_create(
        m.Indicator(
            criteria_set=cs,
            position=i,
            criterion=criteria[ind.criterion],
            code=ind.code,
            label_vi=ind.label.vi,
            label_en=ind.label.en,
            max_points=_dec(ind.max_points),
            when_not_applicable=ind.when_not_applicable,
        )
        for i, ind in enumerate(spec.indicators)
    )
    through = m.Indicator.target_groups.through
    through.objects.bulk_create(
        through(indicator=row, targetgroup=groups[code])
        for row, ind in zip(indicators, spec.indicators, strict=True)
        for code in ind.target_groups
    )
    m.ScoringRule.objects.bulk_create(
        m.ScoringRule(
            indicator=row,
            position=j,
            type=rule.type,
            question=questions.get(rule.question) if rule.question else None,
            params=rule.params,
        )
        for row, ind in zip(indicators, spec.indicators, strict=True)
        for j, rule in enumerate(ind.rules)
    )
    m.RecognitionLevel.objects.bulk_create(
        m.RecognitionLevel(
            criteria_set=cs,
            position=i,
            code=lv.code,
            label_vi=lv.label.vi,
            label_en=lv.label.en,
            min_total=_dec(lv.min_total),
            min_indicator=_dec(lv.min_indicator),
            local=lv.local,
        )
        for i, lv in enumerate(spec.recognition.levels)
    )


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _in_choice_order(params: dict, choice_list: ChoiceList | None) -> dict:
    """Give a rule's points map back in the order of its question's choices.

    PostgreSQL's jsonb keeps an object's keys in its own order (shortest first), not
    the author's, so without this the rule descriptions and exports would list the
    options differently on PostgreSQL and SQLite. Keys that are not choices stay last.
    """
    points = params.get("points")
    if choice_list is None or not isinstance(points, dict):
        return params
    order = {choice.name: i for i, choice in enumerate(choice_list.choices)}
    ranked = sorted(points.items(), key=lambda item: order.get(item[0], len(order)))
    return {**params, "points": dict(ranked)}


def load_spec(*, criteria_set: m.CriteriaSet) -> CriteriaSpec:
    """Rebuild the plain CriteriaSpec of a stored version (a fixed number of queries)."""
    cs = (
        m.CriteriaSet.objects.filter(pk=criteria_set.pk)
        .prefetch_related(
            "target_groups",
            "criteria",
            Prefetch("choice_lists", queryset=m.ChoiceList.objects.prefetch_related("choices")),
            Prefetch("questions", queryset=m.Question.objects.select_related("choice_list")),
            Prefetch(
                "indicators",
                queryset=m.Indicator.objects.select_related("criterion").prefetch_related(
                    "target_groups",
                    Prefetch("rules", queryset=m.ScoringRule.objects.select_related("question")),
                ),
            ),
            "recognition_levels",
        )
        .get()
    )
    choice_lists = tuple(
        ChoiceList(
            cl.name,
            tuple(Choice(ch.name, Label(ch.label_vi, ch.label_en)) for ch in cl.choices.all()),
        )
        for cl in cs.choice_lists.all()
    )
    questions = tuple(
        Question(
            code=q.code,
            level=q.level,
            type=q.type,
            label=Label(q.label_vi, q.label_en),
            choice_list=q.choice_list.name if q.choice_list else None,
            hint=Label(q.hint_vi, q.hint_en),
            required=q.required,
            relevant=q.relevant,
            constraint=q.constraint,
            constraint_message=Label(q.constraint_message_vi, q.constraint_message_en),
            reviewer_only=q.reviewer_only,
        )
        for q in cs.questions.all()
    )
    lists = {cl.name: cl for cl in choice_lists}
    list_of = {q.code: lists.get(q.choice_list) for q in questions if q.choice_list}
    return CriteriaSpec(
        code=cs.code,
        version=cs.version,
        subject=cs.subject,
        title=Label(cs.title_vi, cs.title_en),
        total_points=float(cs.total_points),
        status=cs.status,
        legal_basis=cs.legal_basis,
        valid_from=cs.valid_from,
        valid_to=cs.valid_to,
        description=Label(cs.description_vi, cs.description_en),
        local_choices=tuple(cs.local_choices),
        digital_indicator=cs.digital_indicator or None,
        digital_min_points=_f(cs.digital_min_points),
        recognition=Recognition(
            min_total=float(cs.min_total),
            min_indicator=_f(cs.min_indicator),
            min_criterion_share=_f(cs.min_criterion_share),
            label=Label(cs.recognition_label_vi, cs.recognition_label_en),
            levels=tuple(
                Level(
                    code=lv.code,
                    label=Label(lv.label_vi, lv.label_en),
                    min_total=float(lv.min_total),
                    min_indicator=_f(lv.min_indicator),
                    local=lv.local,
                )
                for lv in cs.recognition_levels.all()
            ),
        ),
        target_groups=tuple(
            TargetGroup(
                code=g.code,
                label=Label(g.label_vi, g.label_en),
                min_age=g.min_age,
                max_age=g.max_age,
                cadre=g.cadre,
                same_as=tuple(g.same_as),
            )
            for g in cs.target_groups.all()
        ),
        criteria=tuple(
            Criterion(c.code, Label(c.label_vi, c.label_en), float(c.max_points))
            for c in cs.criteria.all()
        ),
        choice_lists=choice_lists,
        questions=questions,
        indicators=tuple(
            Indicator(
                code=ind.code,
                criterion=ind.criterion.code,
                label=Label(ind.label_vi, ind.label_en),
                max_points=float(ind.max_points),
                rules=tuple(
                    Rule(
                        type=r.type,
                        question=r.question.code if r.question else None,
                        params=_in_choice_order(r.params, list_of.get(r.question.code))
                        if r.question
                        else r.params,
                    )
                    for r in ind.rules.all()
                ),
                target_groups=tuple(
                    g.code for g in sorted(ind.target_groups.all(), key=lambda g: g.position)
                ),
                when_not_applicable=ind.when_not_applicable,
            )
            for ind in cs.indicators.all()
        ),
    )


def _record(*, action: str, criteria_set: m.CriteriaSet, user) -> None:
    record_event(
        action=action,
        user=user,
        summary=f"{criteria_set.code} v{criteria_set.version}",
        object_type="criteria_set",
        object_id=criteria_set.pk,
        details={
            "code": criteria_set.code,
            "version": criteria_set.version,
            "status": criteria_set.status,
        },
    )


@transaction.atomic
def publish(*, criteria_set: m.CriteriaSet, user=None) -> m.CriteriaSet:
    """Publish a draft once it validates; from then on it never changes."""
    _ensure_editable(criteria_set)
    problems = check_spec(spec=load_spec(criteria_set=criteria_set))
    if problems:
        raise CriteriaSetInvalid(problems)
    criteria_set.status = m.CriteriaSet.Status.PUBLISHED
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["status", "published_at"])
    _record(action=Action.PUBLISH, criteria_set=criteria_set, user=user)
    return criteria_set


@transaction.atomic
def retire(*, criteria_set: m.CriteriaSet, user=None) -> m.CriteriaSet:
    """Mark a published version as no longer used for new rounds (its content stays)."""
    if criteria_set.status != m.CriteriaSet.Status.PUBLISHED:
        raise CriteriaSetLocked(_("Chỉ bộ tiêu chí đã ban hành mới có thể ngừng sử dụng."))
    criteria_set.status = m.CriteriaSet.Status.RETIRED
    criteria_set.save(update_fields=["status"])
    _record(action=Action.RETIRE, criteria_set=criteria_set, user=user)
    return criteria_set


@transaction.atomic
def create_draft_version(*, criteria_set: m.CriteriaSet) -> m.CriteriaSet:
    """Copy a version into a new draft numbered after the highest existing version."""
    spec = load_spec(criteria_set=criteria_set)
    latest = m.CriteriaSet.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"]
    draft_spec = CriteriaSpec.from_dict(
        {**spec.to_dict(), "version": (latest or 0) + 1, "status": "draft"}
    )
    draft = save_spec(spec=draft_spec)
    draft.derived_from = criteria_set
    draft.save(update_fields=["derived_from"])
    return draft


@transaction.atomic
def delete_draft(*, criteria_set: m.CriteriaSet) -> None:
    _ensure_editable(criteria_set)
    _delete_content(criteria_set)
    criteria_set.delete()


def install_shipped_sets(*, directory) -> list[m.CriteriaSet]:
    """Load every ``*.yaml`` set of ``directory`` not stored yet (existing versions are kept)."""
    from criteria.yaml_io import read_yaml

    installed = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open("rb") as handle:
            spec = read_yaml(handle, filename=path.name)
        if not m.CriteriaSet.objects.filter(code=spec.code, version=spec.version).exists():
            installed.append(save_spec(spec=spec))
    return installed

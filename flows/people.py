"""Surveyor accounts managed by commune and provincial staff, inside their own scope.

Staff create surveyors, give them communes, deactivate and reactivate them and reset their
passwords. A password set by staff is temporary: it is shown once, on a printable sheet, and
must be changed at the first login. Every change is audited; no password reaches the trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import PasswordChangeRequired, ScopeAssignment
from accounts.roles import SURVEYOR
from accounts.selectors import sees_everything, visible_units
from accounts.services import ensure_roles
from audit.models import Action
from audit.services import record_event
from units.models import UnitLevel

MANAGE = "accounts.manage_accounts"
# No 0/o, 1/l/i: the sheet is read aloud and typed on phones.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (an alphabet)


class AccountError(Exception):
    """A refused account change; ``problems`` lists every message for the user."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Credentials:
    """A first-login sheet entry: shown once, never stored in clear."""

    user: User
    password: str
    communes: tuple[str, ...]


@dataclass(frozen=True)
class NewSurveyor:
    username: str
    full_name: str
    unit_keys: tuple[str, ...]
    where: str = ""  # how problems name it: "Tệp x.xlsx, trang Sheet1, dòng 3: "


def temporary_password() -> str:
    groups = ["".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def _require_manager(by: User) -> None:
    if not by.has_perm(MANAGE):
        raise AccountError(_("Bạn không có quyền quản lý tài khoản."))


def assignable_communes(*, by: User) -> QuerySet:
    """Return the communes (of every era) that ``by`` may give to a surveyor."""
    return visible_units(user=by).filter(level=UnitLevel.COMMUNE)


def managed_accounts(*, by: User) -> QuerySet[User]:
    """Return the surveyor accounts whose every commune lies in the scope of ``by``."""
    surveyors = User.objects.filter(groups__name=SURVEYOR)
    if not sees_everything(user=by):
        allowed = assignable_communes(by=by).values("key")
        outside = ScopeAssignment.objects.exclude(unit__in=allowed).values("user")
        inside = ScopeAssignment.objects.filter(unit__in=allowed).values("user")
        surveyors = surveyors.filter(pk__in=inside).exclude(pk__in=outside)
    return surveyors.prefetch_related("scope_assignments__unit").order_by("username")


def managed_account(*, by: User, pk: int) -> User | None:
    return managed_accounts(by=by).filter(pk=pk).first()


def _check_communes(*, unit_keys: Sequence[str], allowed: set[str], where: str = "") -> list[str]:
    problems = []
    if not unit_keys:
        problems.append(where + _("Chọn ít nhất một xã/phường."))
    outside = sorted(set(unit_keys) - allowed)
    if outside:
        problems.append(
            where
            + _("Các xã/phường sau nằm ngoài phạm vi của bạn: %(keys)s")
            % {"keys": ", ".join(outside)}
        )
    return problems


def _allowed(*, by: User, unit_keys: Iterable[str]) -> set[str]:
    """Those of ``unit_keys`` that ``by`` may give to a surveyor (one query)."""
    keys = set(unit_keys)
    return set(assignable_communes(by=by).filter(key__in=keys).values_list("key", flat=True))


def _require_change_at_login(user: User) -> None:
    PasswordChangeRequired.objects.get_or_create(user=user)


def _audit(*, by: User, action: str, user: User, summary: str, details: dict) -> None:
    record_event(
        action=action,
        user=by,
        summary=summary,
        object_type="account",
        object_id=user.pk,
        details={"username": user.username, **details},
    )


@transaction.atomic
def create_surveyors(*, by: User, accounts: Sequence[NewSurveyor]) -> list[Credentials]:
    """Create surveyor accounts, all or none; each gets a temporary password."""
    _require_manager(by)
    problems: list[str] = []
    seen: set[str] = set()
    taken = set(
        User.objects.filter(username__in=[a.username for a in accounts]).values_list(
            "username", flat=True
        )
    )
    allowed = _allowed(by=by, unit_keys=(key for a in accounts for key in a.unit_keys))
    for number, account in enumerate(accounts, start=1):
        where = account.where or _("Tài khoản %(n)s (%(username)s): ") % {
            "n": number,
            "username": account.username,
        }
        try:
            User.username_validator(account.username)
            valid_name = 0 < len(account.username) <= 150
        except ValidationError:
            valid_name = False
        if not valid_name:
            problems.append(
                where + _("tên đăng nhập chỉ gồm chữ không dấu, số và các dấu @ . + - _.")
            )
        if account.username in taken or account.username in seen:
            problems.append(where + _("tên đăng nhập đã có người dùng."))
        if not account.full_name.strip():
            problems.append(where + _("thiếu họ và tên."))
        seen.add(account.username)
        problems.extend(_check_communes(unit_keys=account.unit_keys, allowed=allowed, where=where))
    if problems:
        raise AccountError(problems)
    group = ensure_roles()[SURVEYOR]
    made = []
    for account in accounts:
        first, _sep, last = account.full_name.strip().rpartition(" ")
        user = User(username=account.username, first_name=first, last_name=last)
        password = temporary_password()
        user.set_password(password)
        user.save()
        user.groups.set([group])
        ScopeAssignment.objects.bulk_create(
            ScopeAssignment(user=user, unit_id=key) for key in account.unit_keys
        )
        _require_change_at_login(user)
        _audit(
            by=by,
            action=Action.CREATE,
            user=user,
            summary=_("Tạo tài khoản điều tra viên %(username)s") % {"username": user.username},
            details={"full_name": account.full_name, "communes": sorted(account.unit_keys)},
        )
        made.append(Credentials(user=user, password=password, communes=account.unit_keys))
    return made


def _managed_or_refuse(*, by: User, user: User) -> None:
    _require_manager(by)
    if managed_account(by=by, pk=user.pk) is None:
        raise AccountError(_("Tài khoản này nằm ngoài phạm vi của bạn."))


@transaction.atomic
def set_communes(*, by: User, user: User, unit_keys: Sequence[str]) -> None:
    """Give a surveyor exactly these communes (all in the scope of ``by``)."""
    _managed_or_refuse(by=by, user=user)
    problems = _check_communes(unit_keys=unit_keys, allowed=_allowed(by=by, unit_keys=unit_keys))
    if problems:
        raise AccountError(problems)
    before = sorted(user.scope_assignments.values_list("unit_id", flat=True))
    ScopeAssignment.objects.filter(user=user).exclude(unit_id__in=unit_keys).delete()
    for key in unit_keys:
        ScopeAssignment.objects.get_or_create(user=user, unit_id=key)
    _audit(
        by=by,
        action=Action.CHANGE,
        user=user,
        summary=_("Đổi xã/phường của %(username)s") % {"username": user.username},
        details={"changes": [{"field": "communes", "old": before, "new": sorted(unit_keys)}]},
    )


@transaction.atomic
def set_active(*, by: User, user: User, active: bool) -> None:
    """Deactivate (signing the surveyor out everywhere) or reactivate an account."""
    _managed_or_refuse(by=by, user=user)
    if user.pk == by.pk:
        raise AccountError(_("Bạn không thể khoá tài khoản của chính mình."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    summary = _("Mở lại tài khoản %(username)s") if active else _("Khoá tài khoản %(username)s")
    _audit(
        by=by,
        action=Action.CHANGE,
        user=user,
        summary=summary % {"username": user.username},
        details={"changes": [{"field": "is_active", "old": not active, "new": active}]},
    )


@transaction.atomic
def reset_password(*, by: User, user: User) -> Credentials:
    """Give the account a new temporary password; the old one stops working at once."""
    _managed_or_refuse(by=by, user=user)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    _require_change_at_login(user)
    _audit(
        by=by,
        action=Action.CHANGE,
        user=user,
        summary=_("Đặt lại mật khẩu của %(username)s") % {"username": user.username},
        details={"changes": [{"field": "password", "old": "…", "new": "…"}]},
    )
    communes = tuple(user.scope_assignments.values_list("unit_id", flat=True))
    return Credentials(user=user, password=password, communes=communes)

"""The five roles as Django groups, each with an explicit list of permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...]
    sees_everything: bool = False


SURVEYOR = "surveyor"
COMMUNE_STAFF = "commune_staff"
PROVINCE_STAFF = "province_staff"
COMMITTEE = "committee"
ADMINISTRATOR = "administrator"

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            SURVEYOR,
            _("Điều tra viên"),
            (
                "accounts.enter_survey_data",
                "accounts.view_personal_data",
                "units.view_adminunit",
            ),
        ),
        Role(
            COMMUNE_STAFF,
            _("Cán bộ xã/phường"),
            (
                "accounts.enter_survey_data",
                "accounts.review_survey_data",
                "accounts.view_personal_data",
                "accounts.view_reports",
                "accounts.export_reports",
                "accounts.manage_accounts",
                "units.view_adminunit",
            ),
        ),
        Role(
            PROVINCE_STAFF,
            _("Cán bộ tỉnh"),
            (
                "accounts.review_survey_data",
                "accounts.approve_survey_data",
                "accounts.view_personal_data",
                "accounts.view_reports",
                "accounts.export_reports",
                "accounts.manage_rounds",
                "accounts.manage_accounts",
                "units.view_adminunit",
            ),
        ),
        Role(
            COMMITTEE,
            _("Thành viên Ban chỉ đạo"),
            ("accounts.view_reports", "units.view_adminunit"),
        ),
        Role(
            ADMINISTRATOR,
            _("Quản trị viên"),
            (
                "accounts.manage_criteria",
                "accounts.manage_rounds",
                "accounts.manage_accounts",
                "accounts.view_reports",
                "accounts.export_reports",
                "accounts.view_personal_data",
                "units.view_adminunit",
                "units.add_adminunit",
                "units.change_adminunit",
                "units.view_unitchange",
                "units.add_unitchange",
                "units.change_unitchange",
                "accounts.view_scopeassignment",
                "accounts.add_scopeassignment",
                "accounts.change_scopeassignment",
                "accounts.delete_scopeassignment",
                "auth.view_user",
                "auth.add_user",
                "auth.change_user",
                "audit.view_auditentry",
            ),
            sees_everything=True,
        ),
    ]
}

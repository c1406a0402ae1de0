"""Fixed code lists of the household form: ethnic groups, sex, education, relationship."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The 54 ethnic groups of Viet Nam with the GSO codes (Danh mục các dân tộc Việt Nam,
# QĐ 121-TCTK/PPCĐ), as used by the census.
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"),
    ("06", "Mường"), ("07", "Nùng"), ("08", "Mông"), ("09", "Dao"), ("10", "Gia-rai"),
    ("11", "Ngái"), ("12", "Ê-đê"), ("13", "Ba-na"), ("14", "Xơ-đăng"), ("15", "Sán Chay"),
    ("16", "Cơ-ho"), ("17", "Chăm"), ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"),
    ("21", "Ra-glai"), ("22", "Xtiêng"), ("23", "Bru-Vân Kiều"), ("24", "Thổ"),
    ("25", "Giáy"), ("26", "Cơ-tu"), ("27", "Gié-Triêng"), ("28", "Mạ"), ("29", "Khơ-mú"),
    ("30", "Co"), ("31", "Tà-ôi"), ("32", "Chơ-ro"), ("33", "Kháng"), ("34", "Xinh-mun"),
    ("35", "Hà Nhì"), ("36", "Chu-ru"), ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"),
    ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"),
    ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"), ("49", "Bố Y"),
    ("50", "Si La"), ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ-măm"),
)  # fmt: skip
ETHNIC_NAMES = dict(ETHNIC_GROUPS)

SEXES = (("male", _("Nam")), ("female", _("Nữ")))

EDUCATION_LEVELS = (
    ("none", _("Chưa đi học")),
    ("primary", _("Tiểu học")),
    ("lower_secondary", _("Trung học cơ sở")),
    ("upper_secondary", _("Trung học phổ thông")),
    ("vocational", _("Trung cấp, sơ cấp nghề")),
    ("college", _("Cao đẳng")),
    ("university", _("Đại học")),
    ("postgraduate", _("Sau đại học")),
)

RELATIONSHIPS = (
    ("head", _("Chủ hộ")),
    ("spouse", _("Vợ/chồng")),
    ("child", _("Con")),
    ("parent", _("Bố/mẹ")),
    ("grandchild", _("Cháu")),
    ("sibling", _("Anh/chị/em")),
    ("other", _("Khác")),
)

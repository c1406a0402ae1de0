"""The one way figures are rounded and written as text: pages, the command and the CSV.

Rounding is half up on the decimal value, as Excel shows the workbook's ``0.0%`` and
``0.00`` cells: 0.6875 is 68,8%, 0.0625 is 6,3% and a mean of 79.3765 is 79,38.
Python's ``round()`` and ``f"{x:.1f}"`` round the binary value half to even, and
Django's ``numberformat`` cuts the digits off (68,7%), so neither is used for figures.

Pure functions (no Django): the template filters pass the active language.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# language -> (decimal separator, thousands separator), as Django's locale formats give them
SEPARATORS = {"vi": (",", "."), "en": (".", ",")}
DEFAULT_LANGUAGE = "vi"
# Float noise below this (68.74999999999999 for 68.75) is not a digit of the figure.
_NOISE = Decimal("1e-9")
_WIDE = Context(prec=400)  # enough digits for any float or count, so quantize never fails


def _decimal(value: float | int | str | Decimal) -> Decimal:
    """The decimal value a float stands for (its shortest repr), without float noise."""
    if isinstance(value, Decimal):
        exact = value
    elif isinstance(value, int | str):  # counts keep every digit; str as a template may pass
        exact = Decimal(value)
    else:
        exact = Decimal(repr(float(value)))  # also numpy floats
    if not exact.is_finite():
        return exact
    return exact.quantize(_NOISE, rounding=ROUND_HALF_UP, context=_WIDE)


def round_number(*, value: float | int | Decimal, digits: int) -> Decimal:
    """Round ``value`` half up to ``digits`` decimals."""
    step = Decimal(1).scaleb(-digits)
    rounded = _decimal(value).quantize(step, rounding=ROUND_HALF_UP, context=_WIDE)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0,0"


def round_percent(*, value: float | int | Decimal, digits: int) -> Decimal:
    """Round a share (0–1) as a percentage, half up to ``digits`` decimals: 0.6875 → 68.8."""
    return round_number(value=_decimal(value).scaleb(2), digits=digits)


def separators_of(*, language: str | None) -> tuple[str, str]:
    """Return the decimal and thousands separators of a language ("en-us" is "en")."""
    code = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
    return SEPARATORS.get(code, SEPARATORS[DEFAULT_LANGUAGE])


def write_decimal(*, rounded: Decimal, language: str | None, grouped: bool = True) -> str:
    """Write an already rounded decimal with the language's separators."""
    decimal_sep, thousand_sep = separators_of(language=language)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", thousand_sep)
    return sign + whole + (decimal_sep + fraction if fraction else "")


def format_number(
    *, value: float | int | Decimal, digits: int, language: str | None, grouped: bool = True
) -> str:
    """A number rounded half up to ``digits`` decimals: 79.3765 → "79,38" (vi), "79.38" (en)."""
    rounded = round_number(value=value, digits=digits)
    return write_decimal(rounded=rounded, language=language, grouped=grouped)


def format_percent(*, value: float | int | Decimal, digits: int, language: str | None) -> str:
    """A share (0–1) as a percentage rounded half up: 0.6875 → "68,8%" (vi), "68.8%" (en)."""
    rounded = round_percent(value=value, digits=digits)
    return write_decimal(rounded=rounded, language=language, grouped=False) + "%"


def format_points(*, value: float | int | Decimal, digits: int, language: str | None) -> str:
    """Percentage points (a difference of two shares), signed: 0.052 → "+5,2"."""
    rounded = round_percent(value=value, digits=digits)
    sign = "+" if rounded > 0 else ""
    return sign + write_decimal(rounded=rounded, language=language, grouped=False)

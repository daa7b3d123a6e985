"""Mainland China phone numbers: landlines with area code, mobiles, service numbers."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from yizhan.i18n import N_, _

_SEP = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 010 and 02X take 8-digit local numbers; other area codes (0XXX) take 7 or 8.
_LANDLINE = re.compile(r"(0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})")
_SERVICE = re.compile(r"1\d{2,4}|9\d{4}|[48]00\d{7}")
_EXT = re.compile(r"(?:转|ext\.?|x|-)(\d{1,6})$", re.I)

EXPECTED = N_(
    "a mainland phone number (landline with area code like 0510-82700000, "
    "mobile like 13800000000, or service number like 12371)"
)  # translate with _() where it is shown


@lru_cache(maxsize=65536)
def in_plan(digits: str) -> bool:
    """Whether digits (national, or +86…) are a number of China's numbering plan, by libphonenumber's metadata
    (phonenumbers): area codes with their local lengths, mobile prefixes that exist, short numbers such as 12371."""
    import phonenumbers

    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    if number.country_code != 86:
        return False
    return phonenumbers.is_valid_number(number) or phonenumbers.is_valid_short_number_for_region(number, "CN")


def phone_problem(text: str) -> str | None:
    """Why `text` is not a usable phone number, or None when it is."""
    main, ext = split_extension(text.strip())
    digits = _SEP.sub("", main)
    international = digits.startswith("+86")
    if international:
        digits = digits[3:]
        if digits.startswith("0"):  # +86 0510 …: the 0 is dialled only inside China
            return _("expected {expected}, found {found}: after +86 the area code has no 0 (+86 510 …)").format(
                expected=_(EXPECTED), found=json.dumps(text, ensure_ascii=False))
    if not digits.isdigit():
        return _("expected {expected}, found {found}").format(expected=_(EXPECTED), found=json.dumps(text, ensure_ascii=False))
    if in_plan("+86" + digits if international else digits):
        return None
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) or _SERVICE.fullmatch(digits):
        return _("expected {expected}, found {found}, which is not in China's numbering plan "
                 "(no such area code, local number length, mobile prefix or service number)").format(
            expected=_(EXPECTED), found=json.dumps(text, ensure_ascii=False))  # fmt: skip
    if len(digits) in (7, 8) and digits[0] != "0":
        return _("expected {expected}, found {found}: add the area code (e.g. 0510-{digits})").format(
            expected=_(EXPECTED), found=json.dumps(text, ensure_ascii=False), digits=digits)
    return _("expected {expected}, found {found}").format(expected=_(EXPECTED), found=json.dumps(text, ensure_ascii=False))


def split_extension(text: str) -> tuple[str, str]:
    """Split '0510-82700000-123' or '0510-82700000转123' into number and extension."""
    m = _EXT.search(text)
    if m and len(_SEP.sub("", text[: m.start()])) >= 10:
        return text[: m.start()], m.group(1)
    return text, ""


def tel_uri(text: str) -> str:
    """The tel: URI for a valid number: E.164 (+86…) where the number has one, short numbers as dialled (tel:12371);
    an extension after a pause."""
    main, ext = split_extension(text.strip())
    digits = _SEP.sub("", main)
    return f"tel:{_e164(digits)}" + (f",{ext}" if ext else "")


@lru_cache(maxsize=65536)
def _e164(digits: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return digits
    if number.country_code == 86 and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits.removeprefix("+86") if digits.startswith("+86") and len(digits) <= 8 else digits

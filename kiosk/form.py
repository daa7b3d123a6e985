"""The check-in form shared by the kiosk and the hub: normalising, limits, validation with Chinese messages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping

from yizhan.checkins.records import CHINA, COLUMNS, PURPOSES, SOURCES, clean

FIELDS = ("name", "phone", "home_org", "purpose", "note")
REQUIRED = ("name", "phone", "home_org", "purpose")
LIMITS = {"name": 30, "phone": 20, "home_org": 60, "purpose": 10, "note": 200}  # characters, after normalising
LABELS = {"name": "姓名", "phone": "手机号码", "home_org": "所在党组织", "purpose": "来访事由", "note": "备注"}
DEFAULT_PURPOSE = PURPOSES[0]  # 报到登记
MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_PHONE_NOISE = re.compile(r"[\s\-()]+")
MESSAGES = {
    "name": "请填写姓名",
    "phone": "请填写手机号码",
    "home_org": "请填写所在党组织（流出地党组织）",
    "purpose": "请选择来访事由",
    "phone_format": "请填写 11 位手机号码（以 1 开头），如 13812345678",
}


def normalise_phone(text: str) -> str:
    """A mainland mobile number as 11 digits when it is one (spaces, dashes, +86/0086 dropped), else the input."""
    digits = _PHONE_NOISE.sub("", text)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE_RE.fullmatch(digits) else text


def validate(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The cleaned values (to store, or to show again) and a Chinese message for each bad field (empty when valid)."""
    values = {f: clean(form.get(f) or "") for f in FIELDS}
    values["phone"] = normalise_phone(values["phone"])
    errors: dict[str, str] = {}
    for f in FIELDS:
        v = values[f]
        if f in REQUIRED and not v:
            errors[f] = MESSAGES[f]
        elif len(v) > LIMITS[f]:
            errors[f] = f"{LABELS[f]}最多 {LIMITS[f]} 个字，现在是 {len(v)} 个字"
    if "phone" not in errors and not MOBILE_RE.fullmatch(values["phone"]):
        errors["phone"] = MESSAGES["phone_format"]
    if "purpose" not in errors and values["purpose"] not in PURPOSES:
        errors["purpose"] = MESSAGES["purpose"]
    return values, errors


def new_record(values: Mapping[str, str], station_id: str, source: str, device_id: str, now: dt.datetime | None = None) -> dict[str, str]:
    """A check-in record (every column of records.COLUMNS, plain values) with a fresh uuid and the time in China."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")  # i18n: not for people (a programming error)
    at = (now or dt.datetime.now(CHINA)).astimezone(CHINA).replace(microsecond=0)
    record = {
        "checkin_id": str(uuid.uuid4()),
        "station_id": station_id,
        "checked_in_at": at.isoformat(),
        **{f: values[f] for f in FIELDS},
        "source": source,
        "device_id": device_id,
    }
    return {c: record[c] for c in COLUMNS}


def checkin_number(checkin_id: str) -> str:
    """The short number shown on the thank-you screen: the uuid's first 6 hex digits, upper case."""
    return checkin_id.replace("-", "")[:6].upper()

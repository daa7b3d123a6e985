"""The shared check-in form rules: normalising, limits, Chinese messages, records, masking."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk.form import CHINA, checkin_number, clean, new_record, validate
from yizhan.checkins.records import COLUMNS
from yizhan.checkins.rows import mask_phone

GOOD = {"name": "张三", "phone": "13812345678", "home_org": "某村党支部", "purpose": "报到登记", "note": ""}


def test_clean_normalises_trims_and_drops_control_characters() -> None:
    assert clean("  ＡＢＣ１２３\u3000张\t三\n\x00\u200b\u202e ") == "ABC123 张 三"
    assert clean("x" * 5000) == "x" * 1000


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0086 13812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mainland_mobile_numbers_are_accepted_in_common_shapes(typed: str) -> None:
    values, errors = validate({**GOOD, "phone": typed})
    assert (errors, values["phone"]) == ({}, "13812345678")


@pytest.mark.parametrize("typed", ["1381234567", "23812345678", "12812345678", "0510-82700000", "138123456789", "abc"])
def test_other_numbers_get_the_phone_message(typed: str) -> None:
    values, errors = validate({**GOOD, "phone": typed})
    assert errors == {"phone": "请填写 11 位手机号码（以 1 开头），如 13812345678"}
    assert values["name"] == "张三"


def test_every_missing_required_field_has_its_message() -> None:
    _values, errors = validate({})
    assert errors == {
        "name": "请填写姓名",
        "phone": "请填写手机号码",
        "home_org": "请填写所在党组织（流出地党组织）",
        "purpose": "请选择来访事由",
    }
    assert validate({**GOOD, "purpose": "打游戏"})[1] == {"purpose": "请选择来访事由"}


def test_length_limits() -> None:
    _, errors = validate({**GOOD, "name": "张" * 31, "home_org": "党" * 61, "note": "注" * 201})
    assert errors == {
        "name": "姓名最多 30 个字，现在是 31 个字",
        "home_org": "所在党组织最多 60 个字，现在是 61 个字",
        "note": "备注最多 200 个字，现在是 201 个字",
    }
    assert validate({**GOOD, "name": "张" * 30, "home_org": "党" * 60, "note": "注" * 200})[1] == {}


def test_new_record_has_every_column_in_china_time() -> None:
    at = dt.datetime(2026, 6, 16, 1, 15, 2, 999, tzinfo=dt.timezone.utc)
    r = new_record(GOOD, "s1", "qr", "tab-1", at)
    assert list(r) == list(COLUMNS)
    assert r["checked_in_at"] == "2026-06-16T09:15:02+08:00"
    assert (r["station_id"], r["source"], r["device_id"], r["name"]) == ("s1", "qr", "tab-1", "张三")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", r["checkin_id"])
    assert new_record(GOOD, "s1", "kiosk", "t")["checked_in_at"].endswith("+08:00")
    assert dt.datetime.fromisoformat(new_record(GOOD, "s1", "kiosk", "t")["checked_in_at"]).utcoffset() == CHINA.utcoffset(None)
    with pytest.raises(ValueError):
        new_record(GOOD, "s1", "web", "t")


def test_number_and_mask() -> None:
    assert checkin_number("9b2e7c1a-0000-4000-8000-000000000000") == "9B2E7C"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("123") == "****"  # not even its length shown

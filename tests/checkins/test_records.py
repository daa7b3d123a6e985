"""The shared check-in record helpers: cell safety and the durable confirmation state."""

from pathlib import Path

import pytest

from yizhan.checkins.records import clean, confirmed_ids, last_upload, mark_confirmed, neutralise, record_upload, restore


@pytest.mark.parametrize("value", ["=1+1", "+8613800000000", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted", "张三", ""])
def test_neutralise_is_safe_and_reversible(value: str) -> None:
    cell = neutralise(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore(cell) == value


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("e\u200d\u0301", "\xe9"),  # a format character between a letter and its accent
        ("\u304b\u200b\u3099", "\u304c"),  # か, zero-width space, voiced mark: が
        ("\u1100\u200b\u1161", "\uac00"),  # Hangul jamo around a zero-width space: 가
        ("  ＡＢＣ１２３\u3000张\t三\n\x00\u200b\u202e ", "ABC123 张 三"),
        ("＝1+1", "=1+1"),
        ("x" * 5000, "x" * 1000),
    ],
)
def test_clean_is_the_same_when_cleaned_again(typed: str, stored: str) -> None:
    """A kiosk row the hub cleans again must not change, or a re-sent row would be a conflict."""
    assert clean(typed) == stored
    assert clean(stored) == stored


def test_confirmed_state_survives_a_torn_line(tmp_path: Path) -> None:
    assert confirmed_ids(tmp_path) == set()
    mark_confirmed(tmp_path, ["a", "b"])
    with (tmp_path / "confirmed.txt").open("ab") as f:
        f.write(b"c-torn")  # a crash mid-write
    assert confirmed_ids(tmp_path) == {"a", "b"}
    mark_confirmed(tmp_path, ["d"])
    # the fragment becomes a line of its own; a piece of a uuid never equals a whole one
    assert confirmed_ids(tmp_path) == {"a", "b", "c-torn", "d"}
    assert (tmp_path / "confirmed.txt").read_text() == "a\nb\nc-torn\nd\n"
    assert oct((tmp_path / "confirmed.txt").stat().st_mode & 0o777) == "0o600"


def test_last_upload_is_replaced_whole(tmp_path: Path) -> None:
    assert last_upload(tmp_path) is None
    record_upload(tmp_path, {"hub": "http://127.0.0.1:8090", "rows": 3})
    info = last_upload(tmp_path)
    assert info is not None and info["rows"] == 3 and info["at"].endswith("+08:00")

"""The kiosk's check-in CSV on disk: format, concurrency, recovery of torn lines, purge of confirmed rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.form import CHINA, new_record
from yizhan.checkins.records import COLUMNS, mark_confirmed
from yizhan.checkins.rows import HEADER, encode_row, read_rows, write_csv
from yizhan.checkins.store import RECOVERED_FILE, CheckinStore, purge
from yizhan.errors import YizhanError

VALUES = {"name": "张三", "phone": "13812345678", "home_org": "某村党支部", "purpose": "报到登记", "note": ""}


def record(name: str = "张三", at: dt.datetime | None = None, **extra: str) -> dict[str, str]:
    return new_record({**VALUES, "name": name, **extra}, "test-station", "kiosk", "tab-1", at)


def rows_of(path: Path) -> list[dict[str, str]]:
    """Every row of a kiosk CSV, as the one reader gives them back."""
    return [row for _, row in read_rows(path)]


def parse(path: Path) -> list[list[str]]:
    """The file as a strict CSV reader sees it (BOM checked and dropped)."""
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckinStore]:
    s = CheckinStore(tmp_path / "data")
    assert s.open() == []
    yield s
    s.close()


def test_new_file_has_bom_header_and_mode_0600(store: CheckinStore) -> None:
    assert store.path.read_bytes() == HEADER
    assert store.path.read_bytes().startswith(b"\xef\xbb\xbfcheckin_id,station_id,checked_in_at,name,phone,")
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert oct(store.data_dir.stat().st_mode & 0o777) == "0o700"


def test_rows_are_rfc4180_neutralised_and_restored(store: CheckinStore) -> None:
    r = record(name="=cmd|' /C calc'!A0", note='说 "你好", 再见', home_org="+SUM(1)", phone="13812345678")
    store.add(r)
    rows = parse(store.path)
    assert rows[0] == list(COLUMNS)
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[1][5] == "'+SUM(1)"
    assert rows[1][7] == '说 "你好", 再见'
    assert b'"\xe8\xaf\xb4 ""' in store.path.read_bytes()  # quotes doubled per RFC 4180
    assert store.path.read_bytes().endswith(b",kiosk,tab-1\r\n")
    assert store.rows() == [r]


def test_the_kiosk_and_yizhan_merge_write_the_same_bytes(store: CheckinStore, tmp_path: Path) -> None:
    rows = [record(name="=1+1", note='a "b", c'), record(name="李四", home_org="@x")]
    for r in rows:
        store.add(r)
    assert write_csv(tmp_path / "merged.csv", rows) == 2
    assert (tmp_path / "merged.csv").read_bytes() == store.path.read_bytes() == HEADER + b"".join(map(encode_row, rows))


def test_rows_skips_a_line_still_being_written(store: CheckinStore) -> None:
    first = record()
    store.add(first)
    with store.path.open("ab") as f:
        f.write(encode_row(record(name="李四"))[:-2])  # the writer's next row, half appended
    assert store.rows() == [first]


def test_concurrent_adds_never_interleave(store: CheckinStore) -> None:
    def worker(t: int) -> None:
        for i in range(50):
            store.add(record(name=f"线程{t}-{i}", note="长" * 200))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = parse(store.path)[1:]
    assert len(rows) == 1000 and all(len(r) == len(COLUMNS) and r[7] == "长" * 200 for r in rows)
    assert sorted(r[3] for r in rows) == sorted(f"线程{t}-{i}" for t in range(20) for i in range(50))
    assert len({r[0] for r in rows}) == 1000


def test_torn_last_line_is_moved_aside_and_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    s = CheckinStore(data)
    s.open()
    kept = [record(name=f"人{i}") for i in range(3)]
    for r in kept:
        s.add(r)
    s.close()
    whole = (data / "checkins.csv").read_bytes()
    torn = "9b2e7c1a-0000-4000-8000-000000000000,test-station,2026-06-16T09:15:02+08:00,李".encode()
    (data / "checkins.csv").write_bytes(whole + torn)  # the power went off mid-row

    s = CheckinStore(data)
    report = s.open()
    assert report == [
        (
            f"{data / 'checkins.csv'}: 1 incomplete line ({len(torn) + 1} bytes, e.g. from a power cut) moved to "
            f"{data / RECOVERED_FILE}; the CSV is valid again. Check them by hand."
        )
    ]
    assert (data / RECOVERED_FILE).read_bytes() == torn + b"\n"
    assert oct((data / RECOVERED_FILE).stat().st_mode & 0o777) == "0o600"
    assert (data / "checkins.csv").read_bytes() == whole
    after = record(name="王五")
    s.add(after)
    s.close()
    assert rows_of(data / "checkins.csv") == [*kept, after]
    again = CheckinStore(data)
    assert again.open() == []  # nothing more to recover
    again.close()


def test_garbage_lines_are_recovered_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    good = record()
    (data / "checkins.csv").write_bytes(HEADER + encode_row(good) + b"\x00" * 20 + b"\n" + b"a,b\r\n")
    s = CheckinStore(data)
    assert "2 incomplete lines" in s.open()[0]
    s.close()
    assert (data / RECOVERED_FILE).read_bytes() == b"\x00" * 20 + b"\n" + b"a,b\r\n"
    assert rows_of(data / "checkins.csv") == [good]


def test_refuses_a_file_that_is_not_a_checkin_csv(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "checkins.csv").write_text("name,phone\n张三,138\n", encoding="utf-8")
    with pytest.raises(YizhanError, match="not a yizhan check-in file"):
        CheckinStore(data).open()
    assert (data / "checkins.csv").read_text(encoding="utf-8") == "name,phone\n张三,138\n"


def test_a_failed_write_is_reported_to_the_caller(store: CheckinStore) -> None:
    store.add(record())
    shutil.move(store.path, store.data_dir / "moved.csv")
    store.path.mkdir()  # the CSV path is now a directory: the writer cannot open it
    with pytest.raises(IsADirectoryError):
        store.add(record(name="李四"))


def test_purge_removes_only_confirmed_old_rows_and_the_open_store_follows_the_new_file(store: CheckinStore) -> None:
    now = dt.datetime(2026, 7, 1, 12, 0, tzinfo=CHINA)
    old_confirmed = record(name="旧已确认", at=now - dt.timedelta(days=40))
    old_unconfirmed = record(name="旧未确认", at=now - dt.timedelta(days=40))
    new_confirmed = record(name="新已确认", at=now - dt.timedelta(days=2))
    for r in (old_confirmed, old_unconfirmed, new_confirmed):
        store.add(r)
    mark_confirmed(store.data_dir, [old_confirmed["checkin_id"], new_confirmed["checkin_id"]])
    inode = store.path.stat().st_ino

    result = purge(store.data_dir, dt.timedelta(days=30), now)
    assert (result.removed, result.kept, result.unconfirmed_old) == (1, 2, 1)
    assert store.path.stat().st_ino != inode  # replaced atomically
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    later = record(name="清理后")
    store.add(later)  # the running store notices the new file and appends to it
    assert rows_of(store.path) == [old_unconfirmed, new_confirmed, later]
    assert purge(store.data_dir, dt.timedelta(days=30), now).removed == 0


def test_purge_keeps_a_torn_tail_for_recovery(tmp_path: Path) -> None:
    data = tmp_path / "data"
    s = CheckinStore(data)
    s.open()
    now = dt.datetime(2026, 7, 1, 12, 0, tzinfo=CHINA)
    old = record(at=now - dt.timedelta(days=90))
    s.add(old)
    s.close()
    with (data / "checkins.csv").open("ab") as f:
        f.write(b"torn,row")
    mark_confirmed(data, [old["checkin_id"]])
    assert purge(data, dt.timedelta(days=30), now).removed == 1
    assert (data / "checkins.csv").read_bytes() == HEADER + b"torn,row"


def test_purge_without_a_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(YizhanError, match="checkins.csv not found: nothing to purge"):
        purge(tmp_path, dt.timedelta(days=1), dt.datetime.now(CHINA))

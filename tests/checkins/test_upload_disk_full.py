"""`yizhan upload` on a full disk (writes get ENOSPC from the kernel via /dev/full): one line, exit 1, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.hubhelpers import ENV, hub_thread, kiosk_dir, make_rows, stored
from yizhan.checkins.hub import make_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.records import COLUMNS, confirmed_ids, last_upload

STATION = "wuxi-liangxi-chongansi"
FULL = "/dev/full"  # every write to it fails with ENOSPC, "No space left on device"


def run_upload(kdir: Path, url: str, token: str, *args: str) -> tuple[int, str, str]:
    """Run the real `yizhan upload` to the end: (exit status, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "yizhan.cli", "upload", "--data-dir", str(kdir), "--hub", url, "--token", token, *args],
        env=ENV, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout, proc.stderr


def assert_all_once(db: HubDB, kdir: Path, rows: list[dict[str, str]]) -> None:
    """The hub holds every kiosk row once, unchanged, and confirmed.txt holds every id."""
    assert stored(db) == {r["checkin_id"]: tuple(r[c] for c in COLUMNS) for r in rows}
    assert confirmed_ids(kdir) == {r["checkin_id"] for r in rows}


def test_a_full_disk_while_recording_the_hubs_confirmation(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    token = db.add_token(STATION)
    rows = make_rows(30)
    kdir = kiosk_dir(tmp_path / "kiosk", rows)
    confirmed, kept = kdir / "confirmed.txt", kdir / "confirmed.kept"
    app, batches = make_hub(db), []

    def disk_fills_during_the_second_batch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = list(app(environ, start_response))  # the hub has stored the batch
        batches.append(environ["PATH_INFO"])
        if len(batches) == 2:  # the uploader read confirmed.txt at its start; from now on writes to it fail
            confirmed.rename(kept)
            confirmed.symlink_to(FULL)
        return answer

    with hub_thread(disk_fills_during_the_second_batch) as url:
        status, out, err = run_upload(kdir, url, token, "--batch", "10")
        assert (status, out) == (1, "")
        assert err == (
            f"{confirmed}: cannot record the hub's confirmation: No space left on device; those check-ins stay pending "
            "and the next upload sends them again (the hub answers already there)\n"
        )
        assert db.count() == 20  # the hub stored the second batch before the disk was full
        confirmed.unlink()  # space again
        kept.rename(confirmed)
        status, out, err = run_upload(kdir, url, token, "--batch", "10")
    assert (status, out, err) == (0, "Sent 20: 10 created, 10 already there, 0 conflict, 0 invalid; 0 pending.\n", "")
    assert_all_once(db, kdir, rows)


def test_a_full_disk_while_recording_the_upload(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    token = db.add_token(STATION)
    rows = make_rows(30)
    kdir = kiosk_dir(tmp_path / "kiosk", rows)
    tmp = kdir / "last-upload.json.tmp"  # last-upload.json is written here first, then renamed
    tmp.symlink_to(FULL)
    with hub_thread(make_hub(db)) as url:
        status, out, err = run_upload(kdir, url, token)
        assert (status, out) == (1, "")
        assert err == (
            f"{kdir / 'last-upload.json'}: cannot record this upload: No space left on device; the check-ins the hub "
            "confirmed are recorded in confirmed.txt\n"
        )
        assert_all_once(db, kdir, rows)
        assert last_upload(kdir) is None
        assert not tmp.is_symlink()  # the failed write took its temporary file away: the next one has space again
        status, out, err = run_upload(kdir, url, token)
    assert (status, out, err) == (0, "Sent 0: 0 created, 0 already there, 0 conflict, 0 invalid; 0 pending.\n", "")
    assert_all_once(db, kdir, rows)
    info = last_upload(kdir)
    assert info is not None and (info["rows"], info["pending"]) == (0, 0)


def test_an_upload_lock_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    kdir = kiosk_dir(tmp_path / "kiosk", make_rows(3))
    (kdir / "upload.lock").mkdir()  # the lock file cannot be opened: the kernel answers EISDIR
    status, out, err = run_upload(kdir, "http://127.0.0.1:9", "t")
    assert (status, out) == (1, "")
    assert err == f"{kdir / 'upload.lock'}: cannot create the upload lock: Is a directory; nothing was sent\n"


def test_a_hub_answering_deeply_nested_json_is_retried_then_given_up(tmp_path: Path) -> None:
    kdir = kiosk_dir(tmp_path / "kiosk", make_rows(3))

    def nested(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"[" * 100_000 + b"]" * 100_000]

    with hub_thread(nested) as url:
        status, out, err = run_upload(kdir, url, "t", "--give-up-after", "1")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == f"{url} sent an answer that is not JSON; gave up after 1 s: run the upload again later"
    assert "Traceback" not in err and confirmed_ids(kdir) == set()

"""Later upload: send a kiosk's unconfirmed check-ins to the hub in batches, resumably, with backoff on failures."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from yizhan.durable import BINARY, lock
from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error

from .outcome import STATUSES, Outcome
from .records import CONFIRMED_FILE, CSV_FILE, UPLOAD_FILE, confirmed_ids, mark_confirmed, record_upload
from .rows import Row, read_rows

BATCH = 1000
BACKOFF_BASE, BACKOFF_CAP = 0.5, 60.0
LOCK_FILE = "upload.lock"


class UploadRefused(YizhanError):
    """The hub refused this kiosk's token (401/403): trying again cannot help."""


class Retryable(Exception):
    """A failure worth trying again: no answer, a timeout, or a 5xx/429 from the hub."""


def pending_rows(data_dir: Path) -> list[Row]:
    """Rows of DIR/checkins.csv the hub has not confirmed (complete lines only, each id once, in file order)."""
    done = confirmed_ids(data_dir)
    out: list[Row] = []
    for _line, row in read_rows(data_dir / CSV_FILE, complete_only=True):
        if row["checkin_id"] not in done:
            done.add(row["checkin_id"])
            out.append(row)
    return out


def pending_count(data_dir: Path) -> int:
    """How many check-ins of the data dir are waiting for the hub's confirmation."""
    return len(pending_rows(data_dir))


def parse_every(text: str) -> float:
    """Seconds of an interval like 30s, 5m, 1h or a plain number of seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not m or float(m.group(1)) <= 0:
        raise YizhanError("--every: " + _("expected an interval like 30s, 5m or 1h, found {found}").format(found=repr(text)))
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def post_batch(hub: str, token: str, rows: list[Row], timeout: float) -> dict[str, Any]:
    """POST one batch; the hub's JSON answer, Retryable, or YizhanError for answers that retrying cannot fix."""
    url = hub.rstrip("/") + "/api/v1/checkins"
    body = json.dumps({"rows": rows}, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"})  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        try:
            message = json.loads(err.read()).get("error", "")
        except (ValueError, RecursionError, AttributeError, OSError, http.client.HTTPException):
            message = ""
        if err.code >= 500 or err.code == 429:
            raise Retryable(_("the hub answered {code} {message}").format(code=err.code, message=message).strip()) from None
        if err.code in (401, 403):
            raise UploadRefused(
                _("the hub refused the upload ({code}): {reason}; nothing more was sent").format(
                    code=err.code, reason=message or err.reason
                )
            )
        raise YizhanError(_("the hub refused a batch ({code}): {reason}").format(code=err.code, reason=message or err.reason))
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as err:
        reason = getattr(err, "reason", None) or err
        raise Retryable(_("no answer from {hub} ({reason})").format(hub=hub, reason=reason)) from None
    except (ValueError, RecursionError):  # not JSON, or JSON nested past the parser's limit
        raise Retryable(_("{hub} sent an answer that is not JSON").format(hub=hub)) from None


def send_with_retry(send: Callable[[], dict[str, Any]], give_up_after: float, log: Callable[[str], None],
                    sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:  # fmt: skip
    """Call `send` until it answers; exponential backoff with full jitter between tries, at most `give_up_after` s."""
    start = time.monotonic()
    attempt = 0
    while True:
        try:
            return send()
        except Retryable as err:
            wait = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
            if time.monotonic() - start + wait > give_up_after:
                raise YizhanError(
                    _("{error}; gave up after {seconds:g} s: run the upload again later").format(error=err, seconds=give_up_after)
                ) from None
            log(_("{error}; retrying in {seconds:.1f} s").format(error=err, seconds=wait))
            sleep(wait)
            attempt += 1


@contextlib.contextmanager
def upload_lock(data_dir: Path) -> Iterator[None]:
    """Hold DIR/upload.lock so that two uploads of one data dir never run at once."""
    try:
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | BINARY, 0o600)
    except OSError as err:  # a full disk or a read-only data dir: before anything was sent
        raise YizhanError(
            f"{data_dir / LOCK_FILE}: " + _("cannot create the upload lock: {reason}; nothing was sent").format(reason=os_error(err))
        ) from None
    try:
        if not lock(fd, wait=False):
            raise YizhanError(f"{data_dir}: " + _("an upload of this data dir is already running"))
        yield
    finally:
        os.close(fd)


def upload(data_dir: Path, hub: str, token: str, batch: int = BATCH, timeout: float = 30.0,
           give_up_after: float = 600.0, log: Callable[[str], None] = print) -> Outcome:  # fmt: skip
    """Send every pending row; mark rows confirmed only after the hub answered created or duplicate for them.

    The outcome's rows are the rows sent, and its refused ones (conflict, invalid) stay pending.
    """
    if not (data_dir / CSV_FILE).exists():
        raise YizhanError(f"{data_dir}: " + _("no {file} here (is this the kiosk's data dir?)").format(file=CSV_FILE))
    result = Outcome()
    with upload_lock(data_dir):
        rows = pending_rows(data_dir)
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            answer = send_with_retry(lambda part=part: post_batch(hub, token, part, timeout), give_up_after, log)
            results = answer.get("results") if isinstance(answer, dict) else None
            mismatch = _("{hub} gave an answer that does not match the batch sent; nothing was marked").format(hub=hub)
            if not isinstance(results, list) or len(results) != len(part):
                raise YizhanError(mismatch)
            ok = []
            for row, res in zip(part, results):
                status = res.get("status") if isinstance(res, dict) else None
                if status not in STATUSES or res.get("checkin_id") != row["checkin_id"]:
                    raise YizhanError(mismatch)
                if status in ("created", "duplicate"):
                    ok.append(row["checkin_id"])
                    result.add(status)
                else:
                    word = _("conflict") if status == "conflict" else _("invalid")
                    result.add(
                        status,
                        _("check-in {id}: {status}: {reason}").format(id=row["checkin_id"], status=word, reason=res.get("reason", "")),
                    )
            try:
                mark_confirmed(data_dir, ok)
            except OSError as err:  # e.g. a full disk: nothing is lost, the hub answers duplicate next time
                raise YizhanError(f"{data_dir / CONFIRMED_FILE}: " + _(
                    "cannot record the hub's confirmation: {reason}; those check-ins stay pending and the next upload sends "
                    "them again (the hub answers already there)").format(reason=os_error(err))) from None  # fmt: skip
        try:
            record_upload(data_dir, {"hub": hub, "rows": result.rows, **result.counts(), "pending": result.refused})
        except OSError as err:
            raise YizhanError(f"{data_dir / UPLOAD_FILE}: " + _(
                "cannot record this upload: {reason}; the check-ins the hub confirmed are recorded in {file}").format(
                reason=os_error(err), file=CONFIRMED_FILE)) from None  # fmt: skip
    return result

"""Staff pages of the kiosk (/admin): PIN login, today's figures, latest check-ins (phones masked), CSV download."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bottle import Bottle, HTTPResponse, request, response

from yizhan.checkins.charts import column_chart
from yizhan.checkins.passwords import secret_matches
from yizhan.checkins.records import confirmed_ids, last_upload, purged_counts
from yizhan.checkins.rows import mask_phone
from yizhan.checkins.upload_now import load_config, no_hub_hint, start_upload, upload_note

from . import form
from .app import Place, go, message_page, page, read_form, secure_headers
from .pin import Lockout, load_pin

SESSION_COOKIE = "yz_admin"
CSRF_COOKIE = "yz_csrf"
SESSION_SECONDS = 15 * 60  # idle staff sessions end (the tablet is shared)
LATEST = 20
CLOCK_SLACK = dt.timedelta(minutes=1)  # the last check-in may be this far ahead of the clock (a small correction)
COOKIE = {"path": "/admin", "httponly": True, "samesite": "strict"}


class Sessions:
    """Logged-in staff sessions in memory: token -> (expiry, CSRF token); sliding expiry."""

    def __init__(self, seconds: float = SESSION_SECONDS) -> None:
        self.seconds = seconds
        self._items: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def new(self) -> str:
        """Start a session; returns its token."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._items[token] = (time.monotonic() + self.seconds, secrets.token_urlsafe(32))
        return token

    def csrf(self, token: str | None) -> str | None:
        """The CSRF token of a live session (extending it), or None."""
        now = time.monotonic()
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if v[0] > now} if len(self._items) > 100 else self._items
            item = self._items.get(token or "")
            if item is None or item[0] <= now:
                return None
            self._items[token or ""] = (now + self.seconds, item[1])
            return item[1]

    def end(self, token: str | None) -> None:
        """Log out."""
        with self._lock:
            self._items.pop(token or "", None)


def hourly_chart(per_hour: list[int]) -> str:
    """The chart of today's check-ins per hour: a bar per hour, even ticks, text at the page's size (numbers only)."""
    return column_chart([(f"{hour}时", n) for hour, n in enumerate(per_hour)], "今日每小时报到人数", unit="人")


def summary(rows: list[dict[str, str]], today: dt.date) -> tuple[int, list[int]]:
    """Today's check-in count and the count per hour (China time)."""
    per_hour = [0] * 24
    prefix = today.isoformat()
    for r in rows:
        at = r["checked_in_at"]
        if at.startswith(prefix) and at[11:13].isdigit():
            per_hour[min(int(at[11:13]), 23)] += 1
    return sum(per_hour), per_hour


def clock_warning(last_at: str, now: dt.datetime) -> str:
    """A Chinese warning when the tablet's clock is earlier than its last stored check-in (`last_at`), else ''."""
    try:
        at = dt.datetime.fromisoformat(last_at.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if at.tzinfo is None or at <= now + CLOCK_SLACK:
        return ""
    return f"本机时钟早于最近一条报到记录的时间（{last_at[:16].replace('T', ' ')}）：请校准平板的日期和时间。"


def install_admin(
    app: Bottle,
    *,
    place: Place,
    data_dir: Path,
    rows: Callable[[], list[dict[str, str]]],
    csv_path: Path,
    lockout: Lockout | None = None,
    sessions: Sessions | None = None,
) -> None:
    """Add /admin, /admin/login, /admin/logout and /admin/checkins.csv to `app` (PIN hash in `data_dir`)."""
    lock = lockout or Lockout()
    live = sessions or Sessions()
    # anyone on the network sees this page: the station id is public, the data dir's path is not shown
    no_pin = ("尚未设置管理密码",
              f"请在平板上运行：yizhan kiosk set-pin --station {place.station_id}（若启动时指定了 --data-dir，请加上同一个 --data-dir）")  # fmt: skip  # i18n: not for people (the page is Chinese already)

    def session_csrf() -> str | None:
        return live.csrf(request.get_cookie(SESSION_COOKIE))

    def login_page(status: int = 200, error: str = "") -> str:
        token = request.get_cookie(CSRF_COOKIE) or secrets.token_urlsafe(32)
        response.set_cookie(CSRF_COOKIE, token, **COOKIE)
        response.status = status
        return page("admin_login", place=place, csrf=token, error=error)

    @app.get("/admin")
    def _admin() -> str:
        if load_pin(data_dir) is None:
            return message_page(503, *no_pin, station=place.name)
        csrf = session_csrf()
        if csrf is None:
            return login_page()
        all_rows = rows()
        now = dt.datetime.now(form.CHINA)
        today = now.date()
        count, per_hour = summary(all_rows, today)
        purged = purged_counts(data_dir).get(today.isoformat())
        if purged:  # rows purged today still happened today
            per_hour = [a + b for a, b in zip(per_hour, purged)]
            count = sum(per_hour)
        done = confirmed_ids(data_dir)
        latest = [{**r, "phone": mask_phone(r["phone"]), "number": form.checkin_number(r["checkin_id"])}
                  for r in reversed(all_rows[-LATEST:])]  # fmt: skip
        pending = sum(1 for r in all_rows if r["checkin_id"] not in done)
        return page("admin", place=place, csrf=csrf, today=today.isoformat(), count=count, total=len(all_rows),
                    pending=pending, chart=hourly_chart(per_hour), latest=latest, uploaded=last_upload(data_dir),
                    upload_note=upload_note(data_dir), can_upload=load_config(data_dir) is not None,
                    upload_hint=no_hub_hint(place.station_id),
                    clock_note=clock_warning(all_rows[-1]["checked_in_at"], now) if all_rows else "")  # fmt: skip

    @app.post("/admin/login")
    def _login() -> str:
        fields = read_form(4096)
        stored = load_pin(data_dir)
        if stored is None:
            return message_page(503, *no_pin, station=place.name)
        cookie = request.get_cookie(CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(cookie.encode(), fields.get("csrf", "").encode()):
            return login_page(403, "页面已过期，请重新输入密码。")
        wait = lock.begin()
        if wait:
            return login_page(429, f"密码错误次数过多，请 {int(wait // 60) + 1} 分钟后再试。")
        if not secret_matches(stored, fields.get("pin", "")[:64]):  # a PIN has at most 12 digits: no hashing of long input
            left = lock.tries_left()
            if not left:
                return login_page(429, f"密码错误次数过多，请 {int(lock.wait_left() // 60) + 1} 分钟后再试。")
            return login_page(403, f"密码不对，还可以再试 {left} 次。")
        lock.succeeded()
        response.set_cookie(SESSION_COOKIE, live.new(), **COOKIE)
        go("/admin")

    def staff_post() -> bool:
        """Whether this form POST comes from a live staff session (its CSRF token sent back)."""
        fields = read_form(4096)
        csrf = session_csrf()
        return csrf is not None and hmac.compare_digest(csrf.encode(), fields.get("csrf", "").encode())

    @app.post("/admin/upload")
    def _upload_now() -> str:
        if not staff_post():
            return message_page(403, "请求无效", "页面已过期，请回到管理页面再试。", [("/admin", "回到管理页面")], place.name)
        start_upload(data_dir, place.station_id)  # in a thread; the page shows how it went
        go("/admin")

    @app.post("/admin/logout")
    def _logout() -> str:
        if not staff_post():
            return message_page(403, "请求无效", "页面已过期，请回到管理页面再试。", [("/admin", "回到管理页面")], place.name)
        live.end(request.get_cookie(SESSION_COOKIE))
        response.delete_cookie(SESSION_COOKIE, path="/admin")
        go("/admin")

    @app.get("/admin/checkins.csv")
    def _download() -> HTTPResponse:
        if session_csrf() is None:
            go("/admin")
        data = csv_path.read_bytes() if csv_path.exists() else b""
        data = data[: data.rfind(b"\n") + 1]  # whole rows only, even while the kiosk appends
        name = f"checkins-{place.station_id}-{dt.datetime.now(form.CHINA):%Y%m%d}.csv"
        secure_headers()
        headers = {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"'}
        return HTTPResponse(data, **headers)

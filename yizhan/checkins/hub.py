"""The hub: a Bottle app that takes check-in batches from kiosks (token per station) and shows reports to admins."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import bottle

from yizhan.errors import YizhanError
from yizhan.i18n import _, os_error
from yizhan.look import STYLESHEET
from yizhan.stations.model import Network

from .hubdb import HubDB
from .outcome import Outcome
from .report import SERVED, export_chunks, message, render_html, render_stations, summarise
from .rows import clean_row, row_problem

MAX_BODY = 8 * 1024 * 1024  # bytes of one upload request
MAX_ROWS = 5000  # rows of one batch
REALM = 'Basic realm="yizhan hub", charset="UTF-8"'  # i18n: not for people
LOCKOUT_AFTER, LOCKOUT_SECONDS = 10, 300  # wrong admin passwords from one address, then a pause
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "  # i18n: not for people
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _json(status: int, payload: dict[str, Any]) -> bottle.HTTPResponse:
    """A JSON response with the security headers."""
    try:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed from the request (an id, a column name): \u escapes carry it
        body = json.dumps(payload).encode("ascii")
    return bottle.HTTPResponse(body, status, {**HEADERS, "Content-Type": "application/json; charset=utf-8"})


def ingest_batch(db: HubDB, station: str, payload: Any) -> bottle.HTTPResponse:
    """Check a parsed upload body and store its valid rows; the per-row answer, or the reason the batch was refused."""
    rows = payload.get("rows") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        return _json(400, {"error": _("expected a JSON object {rows} with one object per check-in").format(rows='{"rows": [...]}')})
    if len(rows) > MAX_ROWS:
        return _json(413, {"error": _("at most {max} rows per request; this one has {n}").format(max=MAX_ROWS, n=len(rows))})
    others = sorted({r["station_id"] for r in rows if isinstance(r, dict) and isinstance(r.get("station_id"), str)
                     and r["station_id"] != station})  # fmt: skip
    if others:
        shown = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
        return _json(403, {"error": _("this token uploads only for station {station}; the batch has rows of {others}. Nothing was "
                                      "stored: use the token made for the kiosk's own station.").format(station=station, others=shown),
                           "station_id": station})  # fmt: skip
    results: list[dict[str, str]] = []
    valid: list[dict[str, str]] = []
    now = dt.datetime.now(dt.timezone.utc)
    for r in map(clean_row, rows):  # checked and stored as the kiosk's form would have stored them
        problem = row_problem(r, now)
        cid = r.get("checkin_id") if isinstance(r, dict) and isinstance(r.get("checkin_id"), str) else ""
        results.append({"checkin_id": cid[:64], "status": "invalid" if problem else "", "reason": problem or ""})
        if not problem:
            valid.append(r)
    statuses = iter(db.ingest(valid))
    outcome = Outcome()
    for res in results:
        if not res["status"]:
            res["status"] = next(statuses)
            if res["status"] == "conflict":
                res["reason"] = _("another check-in with this checkin_id and different content is stored; it was kept")
        outcome.add(res["status"])
    return _json(200, {"station_id": station, **outcome.counts(), "results": results})


def make_hub(db: HubDB, network: Network | None = None, quiet_days: int = 30,
             lockout_seconds: float = LOCKOUT_SECONDS) -> bottle.Bottle:  # fmt: skip
    """The hub's WSGI application over `db`; `network` names stations in reports and enables self check-in."""
    app = bottle.Bottle(catchall=True)
    tries: dict[str, list[float]] = {}  # address -> times of password tries not yet cleared by a right one
    lock = threading.Lock()
    too_many = f"密码错误次数过多，请 {math.ceil(lockout_seconds / 60)} 分钟后再试。"
    html = {"Content-Type": "text/html; charset=utf-8"}

    @app.hook("after_request")
    def _headers() -> None:
        for k, v in HEADERS.items():
            bottle.response.headers.setdefault(k, v)

    @app.error(500)
    def _error(err: bottle.HTTPError) -> str:
        bottle.response.content_type = "application/json; charset=utf-8"
        return json.dumps({"error": _("the hub could not store the batch right now; try again later")})

    def _not_here(err: bottle.HTTPError) -> str:
        """An unknown address: JSON for the API's clients, a Chinese page with a way on for people."""
        if bottle.request.path.startswith("/api/"):
            bottle.response.content_type = "application/json; charset=utf-8"
            return json.dumps({"error": _("no such address on the hub: {path}").format(path=bottle.request.path)})
        bottle.response.content_type = "text/html; charset=utf-8"
        return message("没有这个页面", "这是流动党员报到的汇总中心。请检查网址；查看报到统计请到管理页面。", ("/admin", "报到统计"))

    app.error(404)(_not_here)
    app.error(405)(_not_here)

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        return {"ok": True}

    @app.post("/api/v1/checkins")
    def checkins() -> bottle.HTTPResponse:
        auth = bottle.request.get_header("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return _json(401, {"error": _("missing upload token: send '{header}' (the hub's admin makes one with: yizhan hub token "
                                          "add STATION_ID)").format(header="Authorization: Bearer <token>")})  # fmt: skip
        station = db.token_station(auth[7:].strip())
        if station is None:
            return _json(401, {"error": _("unknown upload token: check the token given for this station, or ask the hub's admin for "
                                          "a new one (yizhan hub token add STATION_ID)")})  # fmt: skip
        length = bottle.request.content_length
        too_big = _("request body over {max} bytes: send fewer rows per request")
        if length > MAX_BODY:
            return _json(413, {"error": too_big.format(max=MAX_BODY)})
        body = bottle.request.body.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return _json(413, {"error": too_big.format(max=MAX_BODY)})
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as err:
            return _json(400, {"error": _("the body is not valid JSON: {reason}").format(reason=err)})
        except RecursionError:  # e.g. 100,000 [ in a row: the parser gives up at the interpreter's recursion limit
            return _json(
                400,
                {
                    "error": _("the body is JSON nested too deeply: expected {rows} with one object per check-in").format(
                        rows='{"rows": [...]}'
                    )
                },
            )
        return ingest_batch(db, station, payload)

    def admin(view: Callable[[], Any]) -> Callable[[], Any]:
        """Wrap `view` in HTTP Basic authentication against the admin password, with a lockout."""

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not db.has_admin_password():
                no_password = (
                    "请服务器的管理员在服务器上运行 yizhan hub admin-password 设置管理密码。"  # i18n: not for people (Chinese page)
                )
                return bottle.HTTPResponse(message("管理密码尚未设置", no_password), 403, html)
            addr = bottle.request.remote_addr or "?"
            password = _basic_password(bottle.request.get_header("Authorization", ""))
            with lock:  # a try is counted before its password is checked, so tries sent in parallel count too
                now = time.monotonic()
                recent = [t for t in tries.pop(addr, []) if now - t < lockout_seconds]
                refused = len(recent) >= LOCKOUT_AFTER
                if password is not None and not refused:
                    recent.append(now)
                if recent:
                    tries[addr] = recent
            if refused:
                return bottle.HTTPResponse(message("请稍后再试", too_many), 429, {**html, "Retry-After": str(math.ceil(lockout_seconds))})
            if password is None or not db.check_admin_password(password):
                return bottle.HTTPResponse(
                    message("需要管理密码", "请输入报到统计的管理密码；忘记密码请联系服务器的管理员。", ("/admin", "重新登录")),
                    401,
                    {**html, "WWW-Authenticate": REALM},
                )
            with lock:
                tries.pop(addr, None)  # a right password clears the count
            return view(*args, **kwargs)

        return wrapped

    @app.get("/admin")
    @app.get("/admin/")
    @admin
    def admin_index() -> str:
        return render_html(summarise(db, network, quiet_days), SERVED)

    @app.get("/admin/stations")
    @admin
    def admin_stations() -> str:
        return render_stations(summarise(db, network, quiet_days), SERVED)

    @app.get("/admin/logout")
    def admin_logout() -> bottle.HTTPResponse:
        # HTTP Basic has no logout: a 401 makes the browser forget the password it keeps for this realm
        body = message("已退出", "您已退出报到统计。再次查看需要重新输入管理密码；在公用电脑上请关闭浏览器。", ("/admin", "重新登录"))
        return bottle.HTTPResponse(body, 401, {**html, "WWW-Authenticate": REALM})

    @app.get("/static/look.css")
    def look_css() -> bottle.HTTPResponse:
        return bottle.HTTPResponse(STYLESHEET.read_bytes(), 200, {"Content-Type": "text/css; charset=utf-8", "Cache-Control": "no-cache"})

    @app.get("/admin/checkins.csv")
    @admin
    def admin_export() -> Any:
        bottle.response.content_type = "text/csv; charset=utf-8"
        bottle.response.headers["Content-Disposition"] = 'attachment; filename="checkins.csv"'
        return export_chunks(db)

    return app


def _basic_password(header: str) -> str | None:
    """The password of an HTTP Basic Authorization header (any user name), or None."""
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded.split(":", 1)[1] if ":" in decoded else None


def serve(app: Any, host: str, port: int, threads: int = 8, ready: Callable[[str], None] | None = None) -> None:
    """Serve the WSGI `app` with waitress (bodies over MAX_BODY refused by the server too); `ready` gets the URL
    once the port is bound (the real one when `port` is 0)."""
    import waitress.server

    try:
        server = waitress.server.create_server(app, host=host, port=port, threads=threads, max_request_body_size=MAX_BODY + 1024,
                                               ident="yizhan-hub")  # fmt: skip
    except OSError as err:  # the port is taken, or the address is not this machine's
        raise YizhanError(_("cannot listen on {address}: {reason}").format(address=f"{host}:{port}", reason=os_error(err))) from None
    if ready is not None:
        ready(f"http://{host}:{server.effective_port}/")  # type: ignore[union-attr]
    try:
        server.run()
    finally:
        server.close()

"""The check-in web app: an explicit Bottle application built by make_app() for the kiosk and the hub."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Protocol
from urllib.parse import quote, unquote_to_bytes

from bottle import Bottle, HTTPError, HTTPResponse, request, response, static_file, template

from yizhan.i18n import _
from yizhan.look import HOTLINE, HOTLINE_LABEL, STYLESHEET
from yizhan.stations.codes import normalize_code

from . import form

HERE = Path(__file__).resolve().parent
VIEWS = [str(HERE / "views")]
STATIC = HERE / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "  # i18n: not for people
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_NUMBER = re.compile(r"[0-9A-F]{6}")
_TIME = re.compile(r"\d\d:\d\d")
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 50


class Sink(Protocol):
    """Where check-ins go: `add` returns only once the record is durable, and raises if it could not be stored."""

    def add(self, record: Mapping[str, str]) -> None: ...


@dataclass(frozen=True)
class Place:
    """A station as the form shows it: its id, its name and its poster code."""

    station_id: str
    name: str
    code: str
    kiosk: bool = True  # the station file says `kiosk: true` (its poster sends members to this tablet)


@dataclass(frozen=True)
class FormConfig:
    """Settings of the check-in pages."""

    device_id: str = "kiosk"  # stored in each record's device_id column
    return_seconds: int = 8  # the kiosk's thank-you screen goes back to an empty form after this
    idle_seconds: int = 60  # a half-filled kiosk form is cleared after this long without a touch
    max_body: int = 16 * 1024  # bytes; larger request bodies get 413
    finder_url: str | None = None  # the directory site's finder, offered on error pages; None: from ./mkdocs.yml's site_url


def secure_headers(static: bool = False) -> None:
    """Security headers for the current response; pages are never stored (no back/forward or cache copies)."""
    for name, value in SECURITY_HEADERS.items():
        response.set_header(name, value)
    response.set_header("Cache-Control", "no-cache" if static else "no-store")


def page(name: str, **ctx: Any) -> str:
    """Render a view from kiosk/views (Bottle SimpleTemplate, HTML-escaped by default) in the one look (base.tpl)."""
    return template(name, template_lookup=VIEWS, hotline=HOTLINE, hotline_label=HOTLINE_LABEL, **ctx)


def finder_url(project: Path) -> str:
    """The finder page of the directory site whose mkdocs.yml is in `project` (its site_url), or '' when unknown."""
    if not (project / "mkdocs.yml").is_file():
        return ""
    try:
        from yizhan.config import load

        settings = load(project)
    except Exception:  # noqa: BLE001 - a link on an error page is not worth failing for
        return ""
    base = settings.site_url
    if not base.startswith(("https://", "http://")):
        return ""
    return base.rstrip("/") + ("/finder/" if settings.use_directory_urls else "/finder.html")


def go(url: str, status: int = 303) -> NoReturn:
    """Redirect to a path of this site (a relative Location: the Host header is never trusted)."""
    res = response.copy(cls=HTTPResponse)
    res.status = status
    res.body = ""
    res.set_header("Location", url)
    raise res


def message_page(status: int, title: str, text: str, ways: list[tuple[str, str]] | None = None, station: str = "") -> str:
    """A short Chinese message page with the given status; `ways` on: (href, words) links, then the hotline."""
    response.status = status
    secure_headers()
    return page("message", title=title, text=text, ways=ways or [], station=station)


def unquote_field(raw: bytes) -> str:
    """A urlencoded name or value decoded: `+` is a space, %XX a byte, then UTF-8 (bad bytes replaced)."""
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


def read_form(max_body: int) -> dict[str, str]:
    """The fields of a urlencoded POST body (first value of each), decoded as UTF-8; 413/415/400 otherwise."""
    ctype = request.content_type.split(";")[0].strip().lower()
    if ctype != FORM_TYPE:
        raise HTTPError(415, "表单格式不对")
    body = request.body.read(max_body + 1)
    if len(body) > max_body:
        raise HTTPError(413, "提交的内容太长")
    fields = parse_fields(body)
    if fields is None:
        raise HTTPError(400, "表单字段太多")
    return fields


def parse_fields(body: bytes) -> dict[str, str] | None:
    """The fields of a urlencoded body (first value of each, UTF-8), or None when it has more than MAX_FIELDS."""
    parts = body.split(b"&") if body else []
    if len(parts) > MAX_FIELDS:
        return None
    out: dict[str, str] = {}
    for part in parts:
        key, _eq, value = part.partition(b"=")
        name = unquote_field(key)
        if name not in out:
            out[name] = unquote_field(value)
    return out


def install_basics(app: Bottle, max_body: int, ways: list[tuple[str, str]] | None = None, station: str = "") -> None:
    """Security headers on every response, request size limits, Chinese error pages (with `ways` on: (href, words)
    links to this app's home and the site's finder, and the hotline), look.css and the kiosk's own static files."""

    @app.hook("before_request")
    def _limits() -> None:
        if request.content_length > max_body:
            raise HTTPError(413, "提交的内容太长")
        if "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            raise HTTPError(411, "需要 Content-Length")

    @app.hook("after_request")
    def _headers() -> None:
        secure_headers(static=request.path.startswith("/static/"))

    def _error(err: HTTPError) -> str:
        secure_headers()
        title = {404: "没有这个页面", 413: "提交的内容太长", 429: "请稍后再试", 500: "出错了"}.get(err.status_code, "请求有误")
        text = err.body if isinstance(err.body, str) and not err.body.isascii() else ""  # our messages are Chinese
        if err.status_code == 404 and not text:
            text = "请检查网址，或扫描驿站海报上的二维码。"
        if err.status_code == 500:
            text = "请稍后再试，或联系工作人员。"
        if err.status_code == 404 and request.path.startswith(("/Q/", "/q/")):
            title = "没有找到这个驿站"
        return page("message", title=title, text=text, ways=ways or [], station=station)

    for code in (400, 403, 404, 405, 411, 413, 415, 429, 500, 503):
        app.error(code)(_error)

    @app.get("/static/look.css")
    def _look() -> HTTPResponse:
        return static_file(STYLESHEET.name, root=str(STYLESHEET.parent), mimetype="text/css", charset="utf-8")

    @app.get("/static/<path:path>")
    def _static(path: str) -> HTTPResponse:
        return static_file(path, root=str(STATIC))


def make_app(
    sink: Sink,
    lookup: Callable[[str], Place | None],
    *,
    home: Place | None = None,
    config: FormConfig = FormConfig(),
) -> Bottle:
    """A new Bottle app with the check-in pages.

    `/Q/<CODE>` is each station's phone self check-in (source qr), looked up with `lookup(code)` (code already
    normalised); with `home`, `/` is the tablet form of that station (source kiosk). Records go to `sink.add`.
    """
    app = Bottle()
    finder = finder_url(Path.cwd()) if config.finder_url is None else config.finder_url
    ways = ([("/", "回到报到页面")] if home is not None else []) + ([(finder, "查找附近的驿站")] if finder else [])
    install_basics(app, config.max_body, ways, home.name if home is not None else "")

    def show_form(place: Place, source: str, values: Mapping[str, str], errors: Mapping[str, str]) -> str:
        action = "/" if source == "kiosk" else f"/Q/{place.code}"
        return page("form", place=place, source=source, action=action, values=values, errors=errors,
                    purposes=form.PURPOSES, limits=form.LIMITS, idle=config.idle_seconds if source == "kiosk" else 0)  # fmt: skip

    def submit(place: Place, source: str) -> str:
        """Store a valid check-in and redirect to its thank-you once it is durable; else the form again."""
        values, errors = form.validate(read_form(config.max_body))
        if errors:
            response.status = 422
            return show_form(place, source, values, errors)
        record = form.new_record(values, place.station_id, source, config.device_id)
        try:
            sink.add(record)
        except Exception as err:  # noqa: BLE001 - whatever the sink raised, the member must try again
            print(_("check-in not stored: {error}").format(error=type(err).__name__), file=sys.stderr)  # never the record itself
            response.status = 503
            return show_form(place, source, values, {"_": "保存失败，请再点一次“提交报到”；仍不行请联系工作人员。"})
        number, at = form.checkin_number(record["checkin_id"]), record["checked_in_at"][11:16]
        base = "/ok" if source == "kiosk" else f"/Q/{place.code}/ok"
        go(f"{base}?n={number}&t={quote(at)}")

    def thanks(place: Place, source: str) -> str:
        number, at = request.query.get("n", ""), request.query.get("t", "")
        back = "/" if source == "kiosk" else f"/Q/{place.code}"
        if not (_NUMBER.fullmatch(number) and _TIME.fullmatch(at)):
            go(back, 303)
        wait = config.return_seconds if source == "kiosk" else 0
        return page("thanks", place=place, number=number, at=at, back=back, wait=wait)

    def place_for(code: str) -> Place:
        norm = normalize_code(code)
        place = lookup(norm) if norm else None
        if place is None:
            raise HTTPError(404, "没有找到二维码或网址里的驿站编码。请核对海报上的二维码或编码后重新扫码，也可以用下面的办法。")
        return place

    if home is not None:
        app.get("/")(lambda: show_form(home, "kiosk", {"purpose": form.DEFAULT_PURPOSE}, {}))
        app.post("/")(lambda: submit(home, "kiosk"))
        app.get("/ok")(lambda: thanks(home, "kiosk"))

    @app.get("/Q/<code>")
    def _qr_form(code: str) -> str:
        place = place_for(code)
        if code != place.code:
            go(f"/Q/{place.code}", 301)
        return show_form(place, "qr", {"purpose": form.DEFAULT_PURPOSE}, {})

    app.post("/Q/<code>")(lambda code: submit(place_for(code), "qr"))
    app.get("/Q/<code>/ok")(lambda code: thanks(place_for(code), "qr"))
    app.get("/q/<code>")(lambda code: go(f"/Q/{place_for(code).code}", 301))
    return app

"""The check-in hot path: a valid check-in POST answered without Bottle's request machinery, same checks, same answer."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bottle import Bottle

from . import form
from .app import FORM_TYPE, SECURITY_HEADERS, Place, parse_fields

Store = Callable[[Place, str, Mapping[str, str]], tuple[int, str]]  # make_app's store(): (303, path) or (503, page)
Fast = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes] | None]
_HEADERS = [*SECURITY_HEADERS.items(), ("Cache-Control", "no-store")]  # what Bottle's after_request hook adds
_HTML = ("Content-Type", "text/html; charset=UTF-8")


class CheckinBottle(Bottle):
    """A Bottle app that first offers each POST to `fast` (None: not a valid check-in; Bottle answers it)."""

    fast: Fast | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.fast is not None and environ.get("REQUEST_METHOD") == "POST":
            out = self.fast(environ, start_response)
            if out is not None:
                return out
        return self.wsgi(environ, start_response)


def hot_path(home: Place | None, lookup: Callable[[str], Place | None], max_body: int, store: Store) -> Fast:
    """Answer a valid check-in POST to `/` (home's tablet form) or `/Q/<CODE>` (exact code) with its 303.

    About a third of a check-in's server time went to Bottle's request and response objects; this path parses and
    validates with the same functions as the Bottle route. Anything else (bad or odd input, other paths) returns
    None before any state changes, with the body put back, so the Bottle route answers it exactly as before.
    """

    def fast(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO") or "/"
        if path == "/":
            place, source = home, "kiosk"
        elif path.startswith("/Q/") and "/" not in path[3:]:
            place, source = lookup(path[3:]), "qr"
            place = place if place is not None and place.code == path[3:] else None  # other spellings: Bottle's route
        else:
            return None
        if place is None or environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != FORM_TYPE:
            return None
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return None
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or not 0 < int(length) <= max_body:
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # Bottle reads it again if we pass
        fields = parse_fields(body) if len(body) == int(length) else None
        if fields is None:
            return None
        values, errors = form.validate(fields)
        if errors:
            return None
        status, out = store(place, source, values)
        if status == 303:
            start_response("303 See Other", [_HTML, ("Content-Length", "0"), ("Location", out), *_HEADERS])
            return [b""]
        data = out.encode()
        start_response("503 Service Unavailable", [_HTML, ("Content-Length", str(len(data))), *_HEADERS])
        return [data]

    return fast

"""What each poster shows: its station's text and the address its QR code encodes (from the project's settings)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from yizhan.config import Settings
from yizhan.errors import YizhanError
from yizhan.i18n import _, ngettext
from yizhan.stations.codes import format_code, station_codes
from yizhan.stations.hours import Hours, describe_zh
from yizhan.stations.model import Network, Station

from .layout import PosterContent
from .qr import qr_text

CHECKIN_PATH = "/Q/{code}"  # the self check-in path served by the kiosk and the hub (shared contract)
_FIELD = re.compile(r"\{([^{}]*)\}")


def _pattern(value: str, where: str) -> str:
    """A check-in URL pattern with {code}: a bare base URL gets the standard /Q/{code} path."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise YizhanError(f"{where}: " + _("expected an http(s) address such as https://hub.example.cn/Q/{{code}}, found {value}")
                          .format(value=repr(value)))
    fields = _FIELD.findall(value)
    if any(f != "code" for f in fields):
        raise YizhanError(f"{where}: " + _("the only placeholder allowed is {{code}}, found {value}").format(value=repr(value)))
    return value if fields else value.rstrip("/") + CHECKIN_PATH


def poster_contents(network: Network, settings: Settings) -> dict[str, PosterContent]:
    """What every station's poster shows, with its QR URL (kiosk: check-in page; otherwise its directory page)."""
    src = settings.source
    site = settings.site_url.strip()
    if site and (urlsplit(site).scheme not in ("http", "https") or not urlsplit(site).netloc):
        raise YizhanError(f"{src}: site_url: " + _("expected the directory's public address such as https://dangyuan.example.cn/, found {value}")
                          .format(value=repr(site)))
    default = _pattern(settings.checkin_url, f"{src}: checkin_url") if settings.checkin_url else ""
    per_station = {}
    for sid, value in settings.checkin_urls.items():
        station = network.stations.get(sid)
        if station is None:
            raise YizhanError(f"{src}: checkin_urls: " + _("unknown station id {id}").format(id=repr(sid)))
        if not station.kiosk:
            raise YizhanError(f"{src}: checkin_urls: " + _("station {id} has no kiosk (kiosk: true in its file), so its poster shows its "
                                                           "directory page").format(id=sid))  # fmt: skip
        per_station[sid] = _pattern(str(value), f"{src}: checkin_urls: {sid}")
    kiosks = [s.id for s in network.stations.values() if s.kiosk and s.id not in per_station]
    if kiosks and not default:
        raise YizhanError(f"{src}: " + _(
            "checkin_url is not set under the yizhan plugin: {n} station(s) with a kiosk (first: {first}) "
            "need it for their self check-in QR code, e.g. checkin_url: https://hub.example.cn/Q/{{code}}"
        ).format(n=len(kiosks), first=kiosks[0]))
    others = [s.id for s in network.stations.values() if not s.kiosk]
    if others and not site:
        raise YizhanError(f"{src}: " + _(
            "site_url is not set: {n} station(s) without a kiosk (first: {first}) get a QR code "
            "of their directory page, so set site_url to the site's public address, e.g. site_url: https://dangyuan.example.cn/"
        ).format(n=len(others), first=others[0]))
    codes = station_codes(network.stations)
    base = site.rstrip("/")
    shown_site = base.split("://", 1)[-1]
    return {s.id: _content(s, codes[s.id], per_station.get(s.id, default), base, shown_site) for s in network.stations.values()}


PLACEHOLDER_DOMAINS = ("example.cn", "example.com", "example.org", "example.net", "example.edu")
PLACEHOLDER_ENDINGS = (".example", ".invalid", ".test", ".localhost")  # reserved for examples and tests (RFC 2606, 6761)


def is_placeholder(url: str) -> bool:
    """Whether an address points at a name reserved for examples, which no phone can reach."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return (host in PLACEHOLDER_DOMAINS or host.endswith(tuple("." + d for d in PLACEHOLDER_DOMAINS))
            or host == "localhost" or host.endswith(PLACEHOLDER_ENDINGS))  # fmt: skip


def placeholder_warning(settings: Settings) -> str:
    """One line naming the settings that still hold a placeholder address ("" when none does)."""
    names = [name for name in ("site_url", "checkin_url") if is_placeholder(getattr(settings, name).strip())]
    per_station = sorted(sid for sid, url in settings.checkin_urls.items() if is_placeholder(str(url)))
    if per_station:
        names.append(ngettext("checkin_urls ({n} station, first: {first})", "checkin_urls ({n} stations, first: {first})",
                              len(per_station)).format(n=len(per_station), first=per_station[0]))  # fmt: skip
    if not names:
        return ""
    return ngettext("warning: {path}: {names} still points at a placeholder address (example.cn or the like): QR codes printed now "
                    "lead nowhere; set the real addresses before printing",
                    "warning: {path}: {names} still point at a placeholder address (example.cn or the like): QR codes printed now "
                    "lead nowhere; set the real addresses before printing", len(names)).format(path=settings.source, names=", ".join(names))  # fmt: skip


@lru_cache(maxsize=4096)
def _hours_zh(hours: Hours) -> str:
    """Opening hours in words (stations share a handful of schedules)."""
    return describe_zh(hours)


_SPACES = re.compile(r"[^\S\u3000]")  # every kind of white space but the ideographic one prints as a plain space


def printable(text: str) -> str:
    """Text as a poster prints it: invisible format characters (zero-width and direction marks, BOM, soft hyphen,
    variation selectors) left out, every kind of white space a plain space, combining accents composed (NFC)."""
    if text.isascii() and text.isprintable():
        return text
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and not 0xFE00 <= ord(ch) <= 0xFE0F
                   and not 0xE0100 <= ord(ch) <= 0xE01EF)  # fmt: skip
    text = _SPACES.sub(" ", text)
    composed = unicodedata.normalize("NFC", text)
    # NFC also maps CJK compatibility ideographs (U+F900…, U+2F800…) to other characters: keep those as typed
    return composed if not any(0xF900 <= ord(c) <= 0xFAFF or 0x2F800 <= ord(c) <= 0x2FA1F for c in text) else text


def _content(s: Station, code: str, pattern: str, base: str, site: str) -> PosterContent:
    url = pattern.replace("{code}", code) if s.kiosk else f"{base}/s/{s.id}.html"
    return PosterContent(
        id=s.id,
        name=printable(s.name),
        level=s.level_zh,
        operator=printable(s.operator),
        kiosk=s.kiosk,
        qr=qr_text(url),
        typed=url.split("://", 1)[1],
        code=format_code(code),
        hotlines=tuple((printable(t.number), printable(t.label)) for t in s.hotlines),
        hours=printable(_hours_zh(s.hours)) if s.hours else "",
        address=printable(s.address),
        site=site,
        updated=s.updated.isoformat() if s.updated else "",
    )

"""Map deep links and schema.org JSON-LD for a station."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from yizhan.stations.geo import wgs84_to_gcj02
from yizhan.stations.hours import opening_hours_spec
from yizhan.stations.model import Station


def map_links(s: Station) -> list[tuple[str, str]]:
    """(label, URL) for each map app, with its coordinate order and datum."""
    lat, lon = f"{s.lat:.6f}", f"{s.lon:.6f}"
    glat, glon = (f"{v:.6f}" for v in wgs84_to_gcj02(s.lat, s.lon))
    enc = lambda params: urlencode(params, quote_via=quote, safe=",:;")  # noqa: E731
    return [
        # Amap: longitude first; coordinate=wgs84 tells it our datum.
        ("高德地图", "https://uri.amap.com/marker?" + enc({"position": f"{lon},{lat}", "name": s.name, "src": "yizhan", "coordinate": "wgs84", "callnative": "1"})),
        # Baidu: latitude first; without coord_type it would read BD-09.
        ("百度地图", "https://api.map.baidu.com/marker?" + enc({"location": f"{lat},{lon}", "title": s.name, "content": s.address, "coord_type": "wgs84", "output": "html", "src": "yizhan.directory"})),
        # Tencent: latitude first, in its own GCJ-02 (coord_type=2), converted here.
        ("腾讯地图", "https://apis.map.qq.com/uri/v1/marker?" + enc({"marker": f"coord:{glat},{glon};title:{s.name};addr:{s.address}", "coord_type": "2", "referer": "yizhan"})),
        # Apple Maps takes WGS-84 and shifts it itself inside China.
        ("苹果地图", "https://maps.apple.com/?" + enc({"ll": f"{lat},{lon}", "q": s.name})),
        # geo: URI (RFC 5870) is WGS-84 by definition.
        ("其他地图应用", f"geo:{lat},{lon}?q={lat},{lon}({quote(s.name)})"),
    ]  # fmt: skip


def json_ld(s: Station, url: str = "") -> str:
    """schema.org GovernmentOffice JSON-LD, safe to embed in a <script> element."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": s.name,
        "identifier": s.id,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": s.address,
            "addressLocality": s.region.district or s.region.city,
            "addressRegion": s.region.city,
            "addressCountry": "CN",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": round(s.lat, 6), "longitude": round(s.lon, 6)},
        "parentOrganization": {"@type": "GovernmentOrganization", "name": s.operator},
    }
    if url:
        data["url"] = url
    if s.hotlines:
        data["telephone"] = s.hotlines[0].number
    if s.hours:
        data["openingHoursSpecification"] = opening_hours_spec(s.hours)
    points = [{"@type": "ContactPoint", "telephone": h.number, "contactType": h.label} for h in s.hotlines]
    points += [
        {"@type": "ContactPoint", "telephone": c.phone, "contactType": c.role or "联络员", "name": c.name}
        for c in s.contacts
        if c.phone
    ]
    if points:
        data["contactPoint"] = points
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

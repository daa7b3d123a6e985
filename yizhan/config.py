"""The project's mkdocs.yml as yizhan reads it, once: the site settings and the yizhan plugin's options."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import YizhanError
from .i18n import _, os_error

CONFIG_FILE = "mkdocs.yml"
PLUGIN = "yizhan"
DEFAULTS: dict[str, Any] = {"stations": "stations", "holidays": [], "checkin_url": "", "checkin_urls": {}, "poster_font": [],
                            "posters": "build/posters", "pages": "build/docs", "services": None, "region_order": {}}  # fmt: skip
SERVICE_MAX = 20  # characters of one service's name in the `services` option
SERVICES_MAX = 32  # services in the list: the finder keeps a station's services as the bits of one 32-bit number
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")  # as station text, and no tab or line break either
_SEPARATORS = "、，,;；/"  # what separates services in a spreadsheet cell (yizhan.stations.sheet)
REGION_NAME_MAX = 30  # characters of a city or district name in `region_order` (as a station's region, yizhan.stations.fields)


@dataclass(frozen=True)
class Settings:
    """What yizhan needs of mkdocs.yml: the site's address and layout, and the yizhan plugin's options."""

    project: Path  # the folder of mkdocs.yml
    site_url: str = ""
    use_directory_urls: bool = False
    docs_dir: str = "content"  # the hand-written pages
    stations: str = "stations"
    holidays: tuple[str, ...] = ()  # ISO dates of public holidays, for the open-now line
    checkin_url: str = ""  # self check-in URL pattern for kiosk stations' posters
    checkin_urls: dict[str, str] = field(default_factory=dict)  # per-station overrides
    poster_font: tuple[str, ...] = ()  # font files (or installed font file names) tried first for posters
    posters: str = "build/posters"  # where `yizhan posters` writes
    pages: str = "build/docs"  # where the generated tree of pages is written for the engine
    services: tuple[str, ...] | None = None  # the services stations may name; None: the default list (yizhan.stations.vocab)
    city_order: tuple[str, ...] = ()  # region_order: cities placed first (yizhan.stations.regions.RegionOrder)
    district_order: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region_order: city -> its districts placed first
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # the whole file, as MkDocs reads it
    source: str = CONFIG_FILE

    @property
    def content(self) -> Path:
        """The folder of hand-written pages."""
        return self.project / self.docs_dir


def _plugin_options(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The yizhan plugin's entry under `plugins:` (a name or a one-key mapping)."""
    plugins = raw.get("plugins") or []
    items = list(plugins.items()) if isinstance(plugins, dict) else [(p, {}) if isinstance(p, str) else next(iter(p.items())) for p in plugins if p]
    for name, options in items:
        if name == PLUGIN:
            if options is not None and not isinstance(options, dict):
                raise YizhanError(f"{where}: plugins: yizhan: " + _("expected a mapping of options, found {value}").format(value=repr(options)))
            return options or {}
    raise YizhanError(f"{where}: " + _("the yizhan plugin is not enabled (add `- yizhan` under plugins:)"))


def _is_date(text: str) -> bool:
    """Whether text is an ISO date of the calendar, like 2026-10-01."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def settings(project: Path, site: dict[str, Any], options: dict[str, Any], raw: dict[str, Any] | None = None) -> Settings:
    """Settings from mkdocs.yml's top-level keys (`site`) and the plugin's `options`, each checked for its type."""
    where = f"{project / CONFIG_FILE}"
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise YizhanError(f"{where}: plugins: yizhan: " + _("unknown option {name} (expected one of {names})")
                          .format(name=repr(unknown[0]), names=", ".join(DEFAULTS)))
    fonts = [opts["poster_font"]] if isinstance(opts["poster_font"], str) else opts["poster_font"]
    if not isinstance(fonts, list) or not all(isinstance(f, str) and f.strip() for f in fonts if f != ""):
        raise YizhanError(f"{where}: plugins: yizhan: poster_font: " + _("expected a font file or a list of them, found {value}")
                          .format(value=repr(opts["poster_font"])))
    for name in ("stations", "checkin_url", "posters", "pages"):
        if not isinstance(opts[name], str):
            raise YizhanError(f"{where}: plugins: yizhan: {name}: " + _("expected text, found {value}").format(value=repr(opts[name])))
    if not isinstance(opts["checkin_urls"], dict) or not all(isinstance(v, str) for v in opts["checkin_urls"].values()):
        raise YizhanError(f"{where}: plugins: yizhan: checkin_urls: " + _("expected a mapping of station id to URL, found {value}")
                          .format(value=repr(opts["checkin_urls"])))
    days = opts["holidays"]
    if not isinstance(days, list):
        raise YizhanError(f"{where}: plugins: yizhan: holidays: " + _("expected a list of dates like 2026-10-01, found {value}")
                          .format(value=repr(days)))
    for i, d in enumerate(days, start=1):
        if not (isinstance(d, dt.date) or (isinstance(d, str) and _is_date(d))):
            raise YizhanError(f"{where}: plugins: yizhan: holidays: " + _("expected a date like 2026-10-01 in item {item}, found {value}")
                              .format(item=i, value=json.dumps(d, ensure_ascii=False, default=str)))
    services = _services(opts["services"], where)
    cities, districts = _region_order(opts["region_order"], where)
    return Settings(
        project=project,
        site_url=str(site.get("site_url") or ""),
        use_directory_urls=bool(site.get("use_directory_urls", True)),
        docs_dir=str(site.get("docs_dir") or "docs"),
        stations=opts["stations"],
        holidays=tuple(d.isoformat() if isinstance(d, dt.date) else d for d in days),
        checkin_url=opts["checkin_url"],
        checkin_urls={str(k): v for k, v in opts["checkin_urls"].items()},
        poster_font=tuple(f.strip() for f in fonts if f.strip()),
        posters=opts["posters"],
        pages=opts["pages"],
        services=services,
        city_order=cities,
        district_order=districts,
        raw=raw or {},
    )


def _services(value: Any, where: str) -> tuple[str, ...] | None:
    """The `services` option: None when absent (the default list), else a list of distinct short names."""
    if value is None:
        return None
    what = f"{where}: plugins: yizhan: services: "
    if not isinstance(value, list) or not value:
        raise YizhanError(what + _("expected a list of service names like [报到登记, 学习资料], found {value}").format(value=repr(value)))
    if len(value) > SERVICES_MAX:
        raise YizhanError(what + _("expected at most {max} services, found {n}").format(max=SERVICES_MAX, n=len(value)))
    names: list[str] = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise YizhanError(what + _("expected a service name in item {item}, found {value}").format(item=i + 1, value=repr(name)))
        name = name.strip()
        if bad := _CONTROL.search(name):
            raise YizhanError(what + _("expected a service name without control characters in item {item}, found U+{code} in {value}")
                              .format(item=i + 1, code=f"{ord(bad.group()):04X}", value=repr(name)))
        if sep := next((c for c in name if c in _SEPARATORS), None):
            raise YizhanError(what + _("expected one service per item, without {separators} (they separate services in a "
                                     "spreadsheet cell), found {sep} in item {item}, {value}")
                              .format(separators=" ".join(_SEPARATORS), sep=repr(sep), item=i + 1, value=repr(name)))  # fmt: skip
        if len(name) > SERVICE_MAX:
            raise YizhanError(what + _("expected at most {max} characters in item {item}, found {n} in {value}")
                              .format(max=SERVICE_MAX, item=i + 1, n=len(name), value=repr(name)))
        if name in names:
            raise YizhanError(what + _("expected each service once, found {value} in items {first} and {item}")
                              .format(value=repr(name), first=names.index(name) + 1, item=i + 1))
        names.append(name)
    return tuple(names)


def _region_order(value: Any, where: str) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The `region_order` option: a mapping of city to its districts in order (`{镇江市: [京口区, 润州区, 丹徒区,
    镇江新区]}`), or a list of cities in order, each a name or such a one-key mapping (`[无锡市, {镇江市: [...]}]`).
    Returns the cities listed (in a list) and each city's districts."""
    what = f"{where}: plugins: yizhan: region_order: "
    cities: list[str] = []
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            if isinstance(item, dict) and len(item) == 1:
                items.append(next(iter(item.items())))
            elif isinstance(item, str):
                items.append((item, None))
            else:
                raise YizhanError(what + _("expected a city name or a city with its districts, like {example}, in item {item}, found {value}")
                                  .format(example="{镇江市: [京口区, 润州区, 镇江新区]}", item=i + 1, value=repr(item)))
            cities.append(_region_name(items[-1][0], what, i + 1, cities))
    else:
        raise YizhanError(what + _("expected each city with its districts in order, like {example}, or a list of cities, found {value}")
                          .format(example="{镇江市: [京口区, 润州区, 丹徒区, 镇江新区]}", value=repr(value)))
    districts: dict[str, tuple[str, ...]] = {}
    for i, (city, names) in enumerate(items):
        city = _region_name(city, what, i + 1, [] if cities else list(districts))
        if names is None:
            continue
        if not isinstance(names, list):
            raise YizhanError(what + f"{city}: " + _("expected a list of district names in order, like [京口区, 润州区, 镇江新区], found {value}")
                              .format(value=repr(names)))
        listed: list[str] = []
        for k, name in enumerate(names):
            listed.append(_region_name(name, what + f"{city}: ", k + 1, listed))
        districts[city] = tuple(listed)
    return tuple(cities), districts


def _region_name(name: Any, what: str, item: int, before: list[str]) -> str:
    """One city or district name of `region_order`: text of at most REGION_NAME_MAX characters, not listed `before`."""
    if not isinstance(name, str) or not name.strip():
        raise YizhanError(what + _("expected a place name in item {item}, found {value}").format(item=item, value=repr(name)))
    name = name.strip()
    if bad := _CONTROL.search(name):
        raise YizhanError(what + _("expected a place name without control characters in item {item}, found U+{code} in {value}")
                          .format(item=item, code=f"{ord(bad.group()):04X}", value=repr(name)))
    if len(name) > REGION_NAME_MAX:
        raise YizhanError(what + _("expected at most {max} characters in item {item}, found {n} in {value}")
                          .format(max=REGION_NAME_MAX, item=item, n=len(name), value=repr(name)))
    if name in before:
        raise YizhanError(what + _("expected each place once, found {value} in items {first} and {item}")
                          .format(value=repr(name), first=before.index(name) + 1, item=item))
    return name


def project_services(project: Path) -> tuple[str, ...] | None:
    """The services of the project's mkdocs.yml (checked with every other setting), or None (the default list) when the
    folder has no mkdocs.yml: commands such as `yizhan check` also work on a bare folder of station files."""
    return load(project).services if (project / CONFIG_FILE).is_file() else None


def load(project: Path) -> Settings:
    """Read the project's mkdocs.yml (with MkDocs' own YAML loader: !ENV, INHERIT) into Settings."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    path = project / CONFIG_FILE
    if not path.is_file():
        raise YizhanError(_("{path} not found: run yizhan in a yizhan project folder (one with mkdocs.yml, stations/ and content/)")
                          .format(path=path))
    try:
        with path.open("rb") as f:
            raw = yaml_load(f)
    except (ConfigurationError, OSError) as err:
        raise YizhanError(f"{path}: {os_error(err) if isinstance(err, OSError) else err}") from None
    except ValueError:  # YAML reads 2026-13-01 as a date and the calendar refuses it
        raise YizhanError(f"{path}: " + _("a date does not exist (such as 2026-13-01 or 2026-02-30): check holidays and the other "
                                          "dates")) from None  # fmt: skip
    if not isinstance(raw, dict):
        raise YizhanError(f"{path}: " + _("expected a mapping of settings, found {value}").format(value=type(raw).__name__))
    return settings(project, raw, _plugin_options(raw, str(path)), raw)

"""`yizhan export` and `yizhan import`: the station files as one table, and a table back into station files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yizhan.errors import YizhanError
from yizhan.i18n import _, ngettext, os_error

from .cache import cached_checks
from .check import assemble
from .demo import render
from .fields import FileCheck, check_file
from .model import Network, Station
from .regions import RegionOrder, slug
from .sheet import TEXT_COLUMNS, Column, Row, headers_for, read_header, read_row, station_record, station_row
from .workbook import read_table, write_table

TOP_KEYS = ("id", "name", "level", "parent", "operator", "region", "address", "location", "hours", "hotlines", "contacts",
            "services", "kiosk", "notes", "updated")  # fmt: skip
FIELD_KEY = {"id": "id", "name": "name", "level": "level", "parent": "parent", "operator": "operator", "city": "region",
             "district": "region", "town": "region", "address": "address", "lat": "location", "lon": "location",
             "datum": "location", "hours": "hours", "phone": "hotlines", "phone_label": "hotlines", "contact": "contacts",
             "contact_role": "contacts", "contact_phone": "contacts", "services": "services", "kiosk": "kiosk",
             "notes": "notes", "updated": "updated"}  # fmt: skip


def cache_path(root: Path) -> Path:
    """The cache of checked station files for one stations folder: build/.cache/stations-<folder digest>.pickle."""
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return Path("build") / ".cache" / f"stations-{digest}.pickle"


def load_cached(root: Path, shown_root: str, services: Sequence[str] | None = None) -> Network:
    """The checked network (against the project's `services`), reusing the cache of unchanged station files (as
    `yizhan check` would report it)."""
    from .cache import cached_network

    return cached_network(root, shown_root, cache_path(root), services=services)


def export_network(network: Network, target: Path, order: RegionOrder | None = None) -> int:
    """Write every station as one row (ordered by city, the city centre first, district and level: the network's order,
    or `order`, mkdocs.yml's region_order); returns the number of rows."""
    if order is not None:
        network.order_regions(order)
    stations = list(network.stations.values())
    headers = headers_for(max((len(s.hotlines) for s in stations), default=1), max((len(s.contacts) for s in stations), default=1))
    text = {i for i, h in enumerate(headers) if (c := read_header(h)) and isinstance(c, Column) and c.field in TEXT_COLUMNS}
    columns = [c for h in headers if isinstance(c := read_header(h), Column)]
    rows = [station_row(s, columns) for s in stations]
    write_table(target, headers, rows, text)
    return len(rows)


@dataclass
class ImportResult:
    """What an import did (or, with --dry-run, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # ids with a file but no row
    deleted: list[str] = field(default_factory=list)


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


ATTR_KEY = {"id": "id", "name": "name", "level": "level", "parent": "parent", "operator": "operator", "region": "region",
            "address": "address", "lat": "location", "lon": "location", "hours": "hours", "hotlines": "hotlines",
            "contacts": "contacts", "services": "services", "kiosk": "kiosk", "notes": "notes", "updated": "updated"}  # fmt: skip


def _changed(a: Station, b: Station) -> set[str]:
    """The file keys whose meaning differs between two checked stations (coordinates compared in WGS-84)."""
    out = {key for attr, key in ATTR_KEY.items() if attr != "notes" and getattr(a, attr) != getattr(b, attr)}
    return out | ({"notes"} if a.notes.rstrip() != b.notes.rstrip() else set())


def _target(root: Path, record: dict[str, Any]) -> Path:
    """Where a new station's file goes: stations/<city>/<district>/<id>.yml (a city centre: stations/<city>/<id>.yml)."""
    region = record.get("region") or {}
    folder = root / slug(str(region.get("city", "x")))
    if record.get("level") != "center" and region.get("district"):
        folder = folder / slug(str(region["district"]))
    return folder / f"{record['id']}.yml"


def import_table(source: Path, shown_source: str, root: Path, shown_root: str, sheet: str | None = None, dry_run: bool = False,
                 delete_missing: bool = False, cache: Path | None = None, services: Sequence[str] | None = None) -> ImportResult:  # fmt: skip
    """Check every row (every problem of every row at once, services against the project's list), then write: nothing is
    written if any row is bad."""
    table = read_table(source, shown_source, sheet)
    where = f"{shown_source}:{table.name}!" if source.suffix.lower() != ".csv" else f"{shown_source}:"
    problems: list[str] = []
    columns: list[Column] = []
    hr = table.header_row
    seen_cols: dict[Column, int] = {}
    for i, h in enumerate(table.headers):
        col = read_header(h)
        if isinstance(col, str):
            problems.append(f"{where}{_letter(i)}{hr}: {col}")
            columns.append(Column("ignored"))
            continue
        if col in seen_cols and col.field != "hours_zh":
            problems.append(f"{where}{_letter(i)}{hr}: " + _("column “{header}” says the same as column {column} (“{other}”): "
                                                             "number repeated columns 电话, 电话2, 电话3 …").format(
                header=h, column=_letter(seen_cols[col]), other=table.headers[seen_cols[col]]))  # fmt: skip
        seen_cols.setdefault(col, i)
        columns.append(col)
    names = {c.field for c in columns}
    if "id" not in names:
        problems.append(f"{where}A{hr}: " + _("no 编号 (id) column: the first row of the sheet holds the headers "
                                              "(编号, 名称, 级别, …), every row below it one station"))  # fmt: skip
    if problems:
        raise YizhanError("\n".join(problems))
    if delete_missing and not table.rows:
        raise YizhanError(f"{shown_source}: " + _("the sheet has no rows: refusing to delete every station (--delete-missing)"))
    header_text = {i: str(h).strip() for i, h in enumerate(table.headers)}
    rows = [read_row(n, cells, columns) for n, cells in table.rows]
    existing: dict[str, tuple[Path, FileCheck]] = {}
    checked, save_cache = cached_checks(root, shown_root, cache or cache_path(root), services=services) if root.is_dir() else ({}, lambda: None)
    for path, fc in checked.items():
        if fc.ident:
            existing.setdefault(fc.ident, (path, fc))
    seen: dict[str, Row] = {}

    def say(row: Row, col: int, message: str) -> None:
        problems.append(f"{where}{_letter(col)}{row.number}: " + _("{field}: {message}").format(field=header_text.get(col, ""),
                                                                                               message=message))  # fmt: skip

    checks: dict[str, FileCheck] = {}
    staged: dict[str, tuple[Row, bytes, Path]] = {}  # id -> (row, its file's text, final file)
    unchanged: set[str] = set()
    taken: set[Path] = set()  # the files new rows will get
    id_col = next(i for i, c in enumerate(columns) if c.field == "id")
    for row in rows:
        for col, message in row.problems:
            say(row, col, message)
        ident = str(row.record.get("id", ""))
        if not ident:
            say(row, id_col, _("every row needs the station's id (编号)"))
            continue
        if ident in seen:
            say(row, id_col, _("the id {id} is also in row {row}").format(id=ident, row=seen[ident].number))
            continue
        seen[ident] = row
        final = existing[ident][0] if ident in existing else _target(root, row.record)
        old = existing[ident][1] if ident in existing else None
        if old is not None and old.station is not None:
            row.record = _fill(row.record, station_record(old.station), columns)  # what the sheet has no column for stays
        elif final.exists() or final in taken:
            say(row, id_col, _("{path} already holds another station: give this one another id, or rename that file").format(
                path=os.path.join(shown_root, os.path.relpath(final, root))))  # fmt: skip
            continue
        taken.add(final)
        if old is not None and old.station is not None and not row.problems and station_record(old.station) == _comparable(row.record):
            unchanged.add(ident)  # the row says what the file says: its check stands
            continue
        shown = os.path.join(shown_root, os.path.relpath(final, root))
        text = _render(row.record).encode("utf-8")
        fc = check_file(final, shown, raw=text, services=services)
        bad_cols = {col for col, _message in row.problems}
        for p in fc.problems:
            _place(row, p.message, bad_cols, id_col, say)
        checks[ident] = fc
        staged[ident] = (row, text, final)
    # what spans rows and files: parents, their levels, cycles, duplicate ids
    gone = set(existing) - set(seen) if delete_missing else set()  # what --delete-missing deletes: nothing may need it
    others = [fc for ident, (_path, fc) in existing.items() if ident not in staged and ident not in gone]
    own = {(p.path, p.line, p.col, p.message) for fc in [*others, *checks.values()] for p in fc.problems}
    _network, cross = assemble([*others, *checks.values()], root)
    by_shown = {fc.src.path if fc.src else "": ident for ident, fc in checks.items()}
    by_shown.update({existing[i][1].src.path: i for i in unchanged if existing[i][1].src is not None})  # type: ignore[union-attr]
    for p in cross:
        if (p.path, p.line, p.col, p.message) in own:
            continue  # a problem of one row or file, reported above (or by yizhan check)
        ident = by_shown.get(p.path)
        if ident and ident in seen:
            row = seen[ident]
            _place(row, p.message, {col for col, _message in row.problems}, id_col, say)
        else:
            problems.append(str(p))
    if problems:
        raise YizhanError("\n".join(problems))
    result = ImportResult(unchanged=len(unchanged))
    try:
        _write_all(staged, existing, checks, columns, dry_run, result)
    except OSError as err:
        done = [*result.created, *result.updated]
        if done:
            message = ngettext("cannot write: {error}; {n} station file was written before it: {ids}",
                               "cannot write: {error}; {n} station files were written before it: {ids}", len(done)).format(
                error=os_error(err), n=len(done), ids="、".join(done[:10]))
        else:
            message = _("cannot write: {error}; nothing was written").format(error=os_error(err))
        raise YizhanError(f"{err.filename or root}: {message}") from None  # fmt: skip
    result.missing = sorted(set(existing) - set(staged) - unchanged)
    if delete_missing:
        for ident in result.missing:
            if not dry_run:
                existing[ident][0].unlink()
            result.deleted.append(ident)
    if not dry_run and not result.created and not result.updated and not result.deleted:
        save_cache()  # the files are as they were: the next import reads them from the cache
    return result


_LABEL = re.compile(r"（[^（）]*）$")  # the Chinese label field() writes after a field's name: phone（电话）


def _missing(message: str) -> str | None:
    """The field a 'missing field "location.lat": …' message names (in the language the check wrote it), else None."""
    before, _field, after = _('missing field "{field}": expected {example}').partition("{field}")
    if not before or not after or not message.startswith(before):
        return None
    name, closed, _rest = message[len(before) :].partition(after[0])
    return name if closed else None


def _place(row: Row, message: str, bad_cols: set[int], id_col: int, say: Any) -> None:
    """Report a check's problem ("hours: …", 'missing field "location.lat": …') at its cell, unless that cell has one
    already; in Chinese the field carries its label and is joined the Chinese way (hours（开放时间）：…)."""
    missing = _missing(message)
    join = _("{field}: {message}").partition("{field}")[2].partition("{message}")[0] or ": "  # as fields.about() joins them
    label, _sep, rest = message.partition(join)
    key = _LABEL.sub("", missing if missing is not None else label)
    col = row.columns.get(key, row.columns.get(key.split("[")[0]))
    if col is None:
        say(row, id_col, message)
    elif col not in bad_cols:
        say(row, col, message if missing is not None else rest)


def _write_all(staged: dict[str, tuple[Row, bytes, Path]], existing: dict[str, tuple[Path, FileCheck]],
               checks: dict[str, FileCheck], columns: list[Column], dry_run: bool, result: ImportResult) -> None:
    """Write the new files and update the changed ones (each through a temporary file and a rename)."""
    for ident, (row, text, final) in staged.items():
        if ident in existing:
            old, new = existing[ident][1].station, checks[ident].station
            keys = {FIELD_KEY[c.field] for c in columns if c.field in FIELD_KEY}
            if old is not None and new is not None:
                keys &= _changed(old, new)
            if not keys:
                result.unchanged += 1
                continue
            result.updated.append(ident)
            if not dry_run:
                _update(final, row.record, keys)
        else:
            result.created.append(ident)
            if not dry_run:
                final.parent.mkdir(parents=True, exist_ok=True)
                final.with_name(f".{final.name}.tmp").write_bytes(text)
                os.replace(final.with_name(f".{final.name}.tmp"), final)


def _render(record: dict[str, Any]) -> str:
    """A new station file in the house style; multi-line notes as a literal block, as people write them."""
    notes = record.get("notes")
    if not isinstance(notes, str) or "\n" not in notes.strip():
        return render(record, exact=True)
    head = render({k: v for k, v in record.items() if k != "notes"}, exact=True)
    lines = notes.strip("\n").split("\n")
    if any(line != line.rstrip() or line.startswith(" ") for line in lines):
        return render(record, exact=True)  # leading or trailing spaces: the quoted form keeps them exactly
    block = "notes: |\n" + "".join(f"  {line}\n" if line else "\n" for line in lines)
    before, _sep, after = head.partition("updated:")
    return before + block + ("updated:" + after if after else "")


def _fill(record: dict[str, Any], old: dict[str, Any], columns: list[Column]) -> dict[str, Any]:
    """A row's record with what the sheet has no column for taken from the station's file (a missing 街道/镇 or
    联络员电话 column must not wipe the towns or the contacts' phones; a missing 服务项目 column keeps the services)."""
    present = {(c.field, c.n) for c in columns}
    fields = {f for f, _n in present}
    out = dict(record)
    covered = {FIELD_KEY[f] for f in fields if f in FIELD_KEY}
    for key in TOP_KEYS:
        if key not in covered and key in old:
            out[key] = old[key]  # no column for it at all: the file's value
    parts = {"region": {"city": "city", "district": "district", "town": "town"}, "location": {"lat": "lat", "lon": "lon"}}
    for key, subs in parts.items():
        if key in covered:
            merged = {k: v for k, v in (old.get(key) or {}).items() if subs.get(k) not in fields}
            merged.update(record.get(key) or {})
            if merged:
                out[key] = {k: merged[k] for k in [*subs, "datum"] if k in merged}
    for key, subs in (("hotlines", {"number": "phone", "label": "phone_label"}),
                      ("contacts", {"name": "contact", "role": "contact_role", "phone": "contact_phone"})):  # fmt: skip
        if key not in covered or key not in old:
            continue
        items = [dict(x) for x in record.get(key) or []]
        merged_items = []
        for i in range(max(len(items), len(old[key]))):
            if not any((f, i) in present for f in subs.values()):
                if i < len(old[key]):
                    merged_items.append(dict(old[key][i]))  # no column at all for this one: the file's
                continue
            item = items[i] if i < len(items) else {}
            for k, f in subs.items():
                if (f, i) not in present and i < len(old[key]) and k in old[key][i]:
                    item[k] = old[key][i][k]
            if item:
                merged_items.append({k: item[k] for k in subs if k in item})
        out[key] = merged_items
    return {k: out[k] for k in TOP_KEYS if k in out}


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A row's record as station_record makes one (notes without their last line end)."""
    if "notes" in record:
        record = {**record, "notes": str(record["notes"]).rstrip()}
    return record


def _plain(value: Any) -> Any:
    """A ruamel value as plain Python (to compare with a sheet's record)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    return str(value).rstrip("\n")  # a literal block's last line end is not a difference


def _styled(value: Any) -> Any:
    """A record value in the house style: mappings and lists of scalars in flow style (`{city: 无锡市}`, `[报到登记]`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        m = CommentedMap((k, _styled(v)) for k, v in value.items())
        m.fa.set_flow_style()
        return m
    if isinstance(value, list):
        s = CommentedSeq(_styled(v) for v in value)
        if not any(isinstance(v, dict) for v in value):
            s.fa.set_flow_style()
        return s
    if isinstance(value, str) and re.fullmatch(r"[\d+\-() ]+", value):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)  # phone numbers in double quotes, as the house style writes them
    return value


def _update(path: Path, record: dict[str, Any], sheet_keys: set[str]) -> None:
    """Change only the keys whose values differ, in place: comments, key order and every other line stay as they are."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    raw = path.read_bytes()
    bom, crlf = raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw
    data = yaml.load(raw.decode("utf-8-sig").replace("\r\n", "\n"))
    for key in TOP_KEYS:
        if key not in sheet_keys:
            continue  # the sheet has no column for it: the file's value stays
        new = record.get(key)
        if new is None:
            if key in data:
                del data[key]
            continue
        if key in data and _plain(data[key]) == _plain(new):
            continue
        old = data.get(key)
        if isinstance(new, list) and isinstance(old, list) and len(old) == len(new) and all(
                isinstance(a, dict) and isinstance(b, dict) for a, b in zip(old, new)):  # fmt: skip
            for item, want in zip(old, new):  # change the entries in place: the others keep their quotes and style
                for k in [k for k in item if k not in want]:
                    del item[k]
                for k, v in want.items():
                    if _plain(item.get(k)) != _plain(v):
                        item[k] = _styled(v)
            continue
        if key in data:
            data[key] = _styled(new)
        else:
            after = [k for k in TOP_KEYS[: TOP_KEYS.index(key)] if k in data]
            data.insert(list(data).index(after[-1]) + 1 if after else 0, key, _styled(new))
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue().replace("\n", "\r\n") if crlf else out.getvalue()  # the file's own line ends and BOM
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    shutil.copymode(path, tmp)
    os.replace(tmp, path)


def summary(result: ImportResult, dry_run: bool) -> list[str]:
    """What the command prints: the counts, then the stations not in the sheet."""
    counts = {"created": len(result.created), "updated": len(result.updated), "unchanged": f"{result.unchanged:,}",
              "deleted": len(result.deleted)}  # fmt: skip
    if dry_run:
        line = (_("would create {created}, would update {updated}, unchanged {unchanged}, would delete {deleted}") if result.deleted
                else _("would create {created}, would update {updated}, unchanged {unchanged}"))
    else:
        line = (_("created {created}, updated {updated}, unchanged {unchanged}, deleted {deleted}") if result.deleted
                else _("created {created}, updated {updated}, unchanged {unchanged}"))
    lines = [line.format(**counts)]
    if result.missing and not result.deleted:
        shown = "、".join(result.missing[:10]) + (" …" if len(result.missing) > 10 else "")
        lines.append(ngettext("{n} station file not in the sheet (kept; --delete-missing deletes them): {ids}",
                              "{n} station files not in the sheet (kept; --delete-missing deletes them): {ids}",
                              len(result.missing)).format(n=len(result.missing), ids=shown))  # fmt: skip
    return lines


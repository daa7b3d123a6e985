"""Read one station file: bytes → UTF-8 text → YAML value with the position of every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from yizhan.errors import Problem
from yizhan.i18n import _, os_error

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

Key = tuple[Any, ...]


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe YAML values; an impossible date (2026-13-01) stays text for the checker to report."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


@dataclass(slots=True)
class Source:
    """A parsed YAML document and where each of its values (and mapping keys) sits."""

    path: str
    data: Any = None
    pos: dict[Key, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Key, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Key, str] = field(default_factory=dict)
    style: dict[Key, str | None] = field(default_factory=dict)
    text: str = ""  # the file's text, to locate characters inside multi-line values

    def at(self, key: Key) -> tuple[int, int]:
        """Line and column of the value at `key`, or of its closest ancestor."""
        while key not in self.pos and key:
            key = key[:-1]
        return self.pos.get(key, (1, 1))

    def inside(self, key: Key, offset: int) -> tuple[int, int]:
        """Line and column of the character at `offset` in the text value at `key` (its start when unsure)."""
        line, col = self.at(key)
        value, style = self.raw.get(key, ""), self.style.get(key)
        before = value[:offset]
        k, c = before.count("\n"), offset - (before.rfind("\n") + 1)
        if style == "|" and self.text:  # a literal block: text line k is file line line + 1 + k
            lines = self.text.split("\n", line + k + 1)
            wanted = value.split("\n")[k]
            at = lines[line + k].find(wanted) if line + k < len(lines) and wanted else -1
            if at >= 0:
                return line + 1 + k, at + c + 1
        elif k == 0 and style in (None, "'", '"'):
            return line, col + c + (1 if style else 0)
        return line, col

    def slim(self, *keys: Key) -> Source:
        """A copy that keeps only the positions of `keys` (for checks across all files)."""
        return Source(self.path, pos={k: self.at(k) for k in ((), *keys)})

    def problem(self, key: Key, message: str, on_key: bool = False, offset: int = 0) -> Problem:
        """A problem located at the value (or its key) at `key`."""
        line, col = (self.key_pos.get(key) if on_key else None) or self.at(key)
        return Problem(self.path, line, col + offset, message)


def _mark(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_STR = "tag:yaml.org,2002:str"
_SCALARS = _Constructor()
_RESOLVER = yaml.resolver.Resolver()  # the SafeLoader's implicit tags
_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers) - {None}  # first characters of int, float, bool, null, date …
MAX_BYTES = 64 * 1024  # a station file is about 1 KB; anything this large is not one
MAX_DEPTH = 16  # a station needs 3 levels (hotlines → item → number)
MAX_VALUES = 10_000  # values after expanding aliases (a station has a few dozen): stops alias bombs
MAX_DIGITS = 40  # characters of a number (a phone number written without quotes has 12)
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Limit(Exception):
    """A station file over one of the limits (or a value YAML cannot make), located at the event that crossed it."""

    def __init__(self, event: yaml.Event, message: str) -> None:
        super().__init__(message)
        self.event = event


class _Builder:
    """Python values from a stream of YAML events, with positions, in one pass with bounded depth and size.

    Built from events rather than composed nodes so that nesting depth and alias expansion are counted
    before any work grows with them: libyaml's composer recurses in C (deep nesting crashes the process)
    and a walk over composed alias nodes is exponential in the nesting of aliases.
    """

    def __init__(self, src: Source, loader: Any, problems: list[Problem]) -> None:
        self.src, self.loader, self.problems = src, loader, problems
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, number of values it stands for)
        self.open: set[str] = set()  # anchors whose collection is still being read
        self.values = 0

    def count(self, event: yaml.Event, n: int) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            message = (_("YAML error: expected at most {limit} values in a station file, found more once aliases (*name) are "
                         "expanded: write the values out instead") if n > 1
                       else _("YAML error: expected at most {limit} values in a station file, found more"))  # fmt: skip
            raise _Limit(event, message.format(limit=f"{MAX_VALUES:,}"))

    def document(self) -> Any:
        """The single document's value, or _EMPTY for an empty file."""
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return _EMPTY
        start = loader.get_event()  # DocumentStart
        value = self.value(loader.get_event(), (), 1)
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(None, start.start_mark, _("expected a single document in the stream but found "
                                              "another document"), loader.peek_event().start_mark)  # fmt: skip
        return value

    def value(self, event: yaml.Event, key: Key | None, depth: int) -> Any:
        """The value of the node `event` starts; record where it sits (unless `key` is None: a key, a skipped value)."""
        if key is not None:
            mark = event.start_mark
            self.src.pos[key] = (mark.line + 1, mark.column + 1)
        kind = type(event)
        if kind is yaml.AliasEvent:
            if event.anchor in self.open:
                raise _Limit(event, _("YAML error: expected plain values, found an alias that contains itself"))
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(None, None, _("found undefined alias {alias}").format(alias=repr(event.anchor)), event.start_mark)
            value, size = self.anchors[event.anchor]
            self.count(event, size)
            return value
        before = self.values
        self.values += 1
        if self.values > MAX_VALUES:
            self.count(event, 0)
        if kind is yaml.ScalarEvent:
            value = self.scalar(key, event)
        else:
            if depth > MAX_DEPTH:
                raise _Limit(event, _("YAML error: expected at most {limit} levels of nesting (a station uses 3), found deeper "
                                      "nesting").format(limit=MAX_DEPTH))
            if event.anchor:
                self.open.add(event.anchor)
            value = self.sequence(key, depth) if kind is yaml.SequenceStartEvent else self.mapping(key, depth)
            self.open.discard(event.anchor)
        if event.anchor:
            self.anchors[event.anchor] = (value, self.values - before)
        return value

    def scalar(self, key: Key | None, event: yaml.ScalarEvent) -> Any:
        if key is not None:
            self.src.raw[key] = event.value
            self.src.style[key] = event.style
        tag, text = event.tag, event.value
        if tag is None or tag == "!":
            if not event.implicit[0] or (text[:1] not in _FIRST and text):  # quoted, or no implicit type starts so
                return text
            tag = _resolve(text, event.implicit)
        if tag == _STR:
            return text
        if tag in _NUMBERS and len(event.value) > MAX_DIGITS:  # int("0x" + 20,000 f) is a number no check can print
            raise _Limit(event, _("YAML error: expected a number of at most {limit} characters, found {count}").format(
                limit=MAX_DIGITS, count=f"{len(event.value):,}"))
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return _SCALARS.yaml_constructors.get(tag, _Constructor.construct_undefined)(_SCALARS, node)
        except (KeyError, IndexError, AttributeError, ValueError, TypeError, OverflowError):  # e.g. !!bool maybe, !!int ""
            raise _Limit(event, _("YAML error: {value} cannot be read as {type}").format(
                value=repr(event.value), type=tag.rsplit(":", 1)[-1])) from None

    def sequence(self, key: Key | None, depth: int) -> list[Any]:
        out: list[Any] = []
        get = self.loader.get_event
        while type(event := get()) is not yaml.SequenceEndEvent:
            out.append(self.value(event, None if key is None else key + (len(out),), depth + 1))
        return out

    def mapping(self, key: Key | None, depth: int) -> dict[Any, Any]:
        """A mapping; duplicate keys are reported (the first one counts)."""
        out: dict[Any, Any] = {}
        get = self.loader.get_event
        while type(kev := get()) is not yaml.MappingEndEvent:
            if type(kev) is yaml.ScalarEvent and kev.tag is None and kev.anchor is None:
                self.values += 1  # a plain field name, the usual key: counted, nothing to build
                if self.values > MAX_VALUES:
                    self.count(kev, 0)
                name = kev.value
            else:  # only a scalar key names a field; a tagged or anchored one is built (and may fail) like any value
                name = kev.value if type(kev) is yaml.ScalarEvent else None
                self.value(kev, None, depth + 1)
            if name in out:
                line, col = _mark(kev)
                self.problems.append(Problem(self.src.path, line, col, _("duplicate key {key}: each field may appear once").format(key=repr(name))))
                self.value(get(), None, depth + 1)
                continue
            if key is None:
                out[name] = self.value(get(), None, depth + 1)
                continue
            mark = kev.start_mark
            self.src.key_pos[key + (name,)] = (mark.line + 1, mark.column + 1)
            out[name] = self.value(get(), key + (name,), depth + 1)
        return out


@lru_cache(maxsize=4096)
def _resolve_short(value: str, implicit: tuple[bool, bool]) -> str:
    return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag YAML gives an untagged scalar (str, int, bool, date …); station files repeat their short values."""
    return _resolve_short(value, implicit) if len(value) <= 64 else _RESOLVER.resolve(yaml.ScalarNode, value, implicit)


_EMPTY = object()


def _utf8(path: str, raw: bytes, problems: list[Problem]) -> str | None:
    """Decode UTF-8 (a BOM is allowed); report where the first bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = _("; it looks like GBK/GB18030: save it as UTF-8")
        except UnicodeDecodeError:
            pass
        problems.append(
            Problem(path, line, col, _("file is not UTF-8 text: expected UTF-8, found byte {byte}{hint}").format(byte=f"0x{raw[err.start]:02X}", hint=hint))
        )
        return None


def read_source(path: Path, shown: str, problems: list[Problem], raw: bytes | None = None) -> Source | None:
    """Load `path` (or `raw`, the bytes it would hold; shown to users as `shown`); append problems and return None when unreadable."""
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as err:
            problems.append(Problem(shown, 1, 1, _("cannot read file: {error}").format(error=os_error(err))))
            return None
    if len(raw) > MAX_BYTES:
        problems.append(Problem(shown, 1, 1, _("file too large: expected at most {limit} KB for one station, found {size} bytes "
                                               "(is this a station file?)").format(limit=MAX_BYTES // 1024, size=f"{len(raw):,}")))
        return None
    text = _utf8(shown, raw, problems)
    if text is None:
        return None
    src = Source(shown, text=text)
    loader = _Loader(text)
    try:
        data = _Builder(src, loader, problems).document()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(s for s in (err.context, err.problem) if s)
        problems.append(Problem(shown, line, col, _("YAML syntax error: {error}").format(error=what)))
        return None
    except _Limit as err:
        line, col = _mark(err.event)
        problems.append(Problem(shown, line, col, str(err)))
        return None
    except (yaml.YAMLError, ValueError, TypeError) as err:
        problems.append(Problem(shown, 1, 1, _("YAML error: {error}").format(error=err)))
        return None
    finally:
        loader.dispose()
    if data is _EMPTY:
        problems.append(Problem(shown, 1, 1, _("file is empty: expected a station (id, name, level, ...)")))
        return None
    src.data = data
    return src

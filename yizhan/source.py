"""Read one station file: bytes → UTF-8 text → YAML value with the position of every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

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


@dataclass
class Source:
    """A parsed YAML document and where each of its values (and mapping keys) sits."""

    path: str
    data: Any = None
    pos: dict[Key, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Key, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Key, str] = field(default_factory=dict)
    style: dict[Key, str | None] = field(default_factory=dict)

    def at(self, key: Key) -> tuple[int, int]:
        """Line and column of the value at `key`, or of its closest ancestor."""
        while key not in self.pos and key:
            key = key[:-1]
        return self.pos.get(key, (1, 1))

    def slim(self, *keys: Key) -> Source:
        """A copy that keeps only the positions of `keys` (for checks across all files)."""
        return Source(self.path, pos={k: self.at(k) for k in ((), *keys)})

    def problem(self, key: Key, message: str, on_key: bool = False, offset: int = 0) -> Problem:
        """A problem located at the value (or its key) at `key`."""
        line, col = (self.key_pos.get(key) if on_key else None) or self.at(key)
        return Problem(self.path, line, col + offset, message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_STR = "tag:yaml.org,2002:str"
_SCALARS = _Constructor()


def _value(src: Source, node: yaml.Node, key: Key, problems: list[Problem]) -> Any:
    """Build the Python value of `node` while recording positions; report duplicate mapping keys."""
    src.pos[key] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        src.raw[key] = node.value
        src.style[key] = node.style
        if node.tag == _STR:
            return node.value
        return _SCALARS.yaml_constructors.get(node.tag, _Constructor.construct_undefined)(_SCALARS, node)
    if isinstance(node, yaml.SequenceNode):
        return [_value(src, child, key + (i,), problems) for i, child in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):  # pragma: no cover - the composer makes only these three
        raise yaml.YAMLError(f"unexpected YAML node {node!r}")
    out: dict[Any, Any] = {}
    for knode, vnode in node.value:
        name = knode.value if isinstance(knode, yaml.ScalarNode) else None
        if name in out:
            line, col = _mark(knode)
            problems.append(Problem(src.path, line, col, f"duplicate key {name!r}: each field may appear once"))
            continue
        src.key_pos[key + (name,)] = _mark(knode)
        out[name] = _value(src, vnode, key + (name,), problems)
    return out


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
            hint = "; it looks like GBK/GB18030: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        problems.append(
            Problem(path, line, col, f"file is not UTF-8 text: expected UTF-8, found byte 0x{raw[err.start]:02X}{hint}")
        )
        return None


def read_source(path: Path, shown: str, problems: list[Problem]) -> Source | None:
    """Load `path` (shown to users as `shown`); append problems and return None when unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        problems.append(Problem(shown, 1, 1, f"cannot read file: {err.strerror}"))
        return None
    text = _utf8(shown, raw, problems)
    if text is None:
        return None
    src = Source(shown)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            problems.append(Problem(shown, 1, 1, "file is empty: expected a station (id, name, level, ...)"))
            return None
        src.data = _value(src, node, (), problems)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(s for s in (err.context, err.problem) if s)
        problems.append(Problem(shown, line, col, f"YAML syntax error: {what}"))
        return None
    except RecursionError:
        problems.append(Problem(shown, 1, 1, "YAML error: expected plain values, found an alias that contains itself"))
        return None
    except (yaml.YAMLError, ValueError, TypeError) as err:
        problems.append(Problem(shown, 1, 1, f"YAML error: {err}"))
        return None
    return src

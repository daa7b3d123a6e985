"""`yizhan check --fix`: hours written the Chinese way are rewritten in OSM form in place, every other byte kept."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from yizhan.i18n import _

from .hours import HoursError, parse_hours
from .hours_zh import convert_zh


@dataclass(frozen=True)
class Fix:
    """One rewritten value: where it was and what it became."""

    path: Path
    line: int
    old: str
    new: str


def _hours_span(text: str) -> tuple[int, int, int, str] | None:
    """(start, end, line, value) of the top-level `hours` scalar, or None (no such value, or not a scalar)."""
    stack: list[list[bool]] = []  # per open container: [is a mapping, a key comes next]
    want = False
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            top = stack[-1] if stack else None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if want and len(stack) == 1:
                    return None  # hours is not a scalar: the check says so
                if top and top[0]:
                    top[1] = True  # this container is the value: a key comes after it
                stack.append([isinstance(event, yaml.MappingStartEvent), True])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)) and top and top[0]:
                if len(stack) == 1 and not top[1] and want:
                    if not isinstance(event, yaml.ScalarEvent):
                        return None
                    return event.start_mark.index, event.end_mark.index, event.start_mark.line + 1, event.value
                if len(stack) == 1 and top[1]:
                    want = isinstance(event, yaml.ScalarEvent) and event.value == "hours"
                top[1] = not top[1]
    except yaml.YAMLError:
        return None
    return None


def fix_hours(path: Path) -> Fix | None:
    """Rewrite the file's `hours` in OSM form when it is written the Chinese way and converts cleanly."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = _hours_span(text)
    if found is None:
        return None
    start, end, line, value = found
    try:
        parse_hours(value)
        return None  # already valid
    except HoursError:
        pass
    try:
        new = convert_zh(value)
    except HoursError:
        return None  # the check reports it, with every problem
    if not os.stat(path).st_mode & 0o200:
        raise PermissionError(_("the file is read-only: not changed"))  # no errno: shown as written, not as "permission denied"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    span = text[start:end]
    tail = span[len(span.rstrip()) :] if span.startswith(("|", ">")) else ""  # a block scalar ends with its line end
    tmp.write_bytes((text[:start] + json.dumps(new, ensure_ascii=False) + tail + text[end:]).encode("utf-8"))
    shutil.copymode(path, tmp)  # the file keeps its permissions
    os.replace(tmp, path)
    return Fix(path, line, value, new)

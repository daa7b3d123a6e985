"""The posters' character table: every character gets a fixed, append-only index (font block i//256, code i%256)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from pathlib import Path

from yizhan.durable import replacing


class CharTable:
    """Append-only character → global index table, kept in the cache (a new table id when it is recreated)."""

    def __init__(self, path: Path, font: str) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("font") != font or not isinstance(data.get("chars"), str) \
                or not isinstance(data.get("id"), str):  # fmt: skip
            data = {"id": uuid.uuid4().hex[:12], "font": font, "chars": ""}
        self.id: str = data["id"]
        self.font = font
        self.chars: str = data["chars"]
        self.index = {ch: i for i, ch in enumerate(self.chars)}
        self._dirty = not path.exists()

    @staticmethod
    def peek(path: Path) -> str:
        """The characters a saved table holds, whatever its font (they go into the next font cut too)."""
        try:
            chars = json.loads(path.read_text(encoding="utf-8")).get("chars")
        except (OSError, ValueError, AttributeError):
            return ""
        return chars if isinstance(chars, str) else ""

    def extend(self, texts: Iterable[str], drawable: dict[str, str]) -> None:
        """Give every new character a font can draw the next index, and save the table if it grew."""
        new = sorted(set("".join(texts)).intersection(drawable) - self.index.keys())
        for ch in new:
            self.index[ch] = len(self.chars)
            self.chars += ch
        if new or self._dirty:
            with replacing(self.path) as tmp:
                tmp.write_text(json.dumps({"id": self.id, "font": self.font, "chars": self.chars}, ensure_ascii=False), encoding="utf-8")
            self._dirty = False

"""Where the installed CJK fonts are: fontconfig on Linux, the standard font folders on Windows and macOS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# Known Simplified-Chinese fonts by file name, best first, for systems without fontconfig (and as a
# fallback on Linux when fc-match is missing). A face of a collection is chosen by its names (see pick_face).
WINDOWS = ["msyh.ttc", "msyh.ttf", "Deng.ttf", "simhei.ttf", "simsun.ttc", "simkai.ttf", "simfang.ttf",
           "simsunb.ttf", "SimsunExtG.ttf", "msjh.ttc", "mingliub.ttc"]  # fmt: skip
MACOS = ["PingFang.ttc", "Hiragino Sans GB.ttc", "STHeiti Medium.ttc", "STHeiti Light.ttc", "Songti.ttc",
         "Arial Unicode.ttf"]  # fmt: skip
LINUX = ["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "SourceHanSansSC-Regular.otf", "SourceHanSans-Regular.ttc",
         "wqy-zenhei.ttc", "wqy-microhei.ttc", "DroidSansFallbackFull.ttf", "uming.ttc", "ukai.ttc"]  # fmt: skip
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


@dataclass(frozen=True)
class FoundFont:
    """An installed font file and the face of it to use (None: choose by its names)."""

    path: Path
    index: int | None
    family: str


def font_folders(system: str = sys.platform, env: Mapping[str, str] = os.environ, home: Path | None = None,
                 root: Path = Path("/")) -> list[Path]:  # fmt: skip
    """The folders a system keeps its fonts in, system-wide ones first (`root`: where / is, for tests)."""
    home = home if home is not None else Path.home()
    if system.startswith("win"):
        windir = env.get("WINDIR") or env.get("SystemRoot") or r"C:\Windows"
        local = env.get("LOCALAPPDATA")
        return [Path(windir) / "Fonts", *([Path(local) / "Microsoft" / "Windows" / "Fonts"] if local else [])]
    if system == "darwin":
        return [root / "System/Library/Fonts", root / "System/Library/Fonts/Supplemental", root / "Library/Fonts",
                home / "Library" / "Fonts"]  # fmt: skip
    data = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return [root / "usr/share/fonts", root / "usr/local/share/fonts", Path(data) / "fonts", home / ".fonts"]


def by_name(folders: list[Path], names: list[str]) -> Iterator[FoundFont]:
    """Known font files in the folders (searched one level of subfolders deep on Linux-style trees), in `names` order."""
    wanted = {n.lower(): i for i, n in enumerate(names)}
    found: dict[str, Path] = {}
    for folder in folders:
        try:
            entries = list(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            continue
        for entry in entries:
            candidates = [entry]
            if entry.is_dir():
                try:
                    candidates = [p for sub in [entry, *(d for d in entry.iterdir() if d.is_dir())] for p in sub.iterdir()]
                except OSError:
                    continue
            for path in candidates:
                key = path.name.lower()
                if key in wanted and key not in found and path.is_file():
                    found[key] = path
    for key in sorted(found, key=wanted.__getitem__):
        yield FoundFont(found[key], None, found[key].stem)


def _fontconfig(fc_match: str) -> list[FoundFont]:
    """Fontconfig's own order for Simplified Chinese sans-serif text, keeping regular upright faces that cover zh-cn."""
    fmt = "%{file}\\t%{index}\\t%{family[0]}\\t%{weight}\\t%{slant}\\t%{lang}\\n"
    try:
        out = subprocess.run([fc_match, "-s", "-f", fmt, "sans-serif:lang=zh-cn"], capture_output=True, timeout=30,
                             check=True).stdout.decode("utf-8", "replace")  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    fonts: list[FoundFont] = []
    seen: set[str] = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 6 or "zh-cn" not in parts[5].split("|"):
            continue
        path, index, family, weight, slant = parts[0], parts[1], parts[2], parts[3], parts[4]
        if path in seen or not path.lower().endswith(FONT_SUFFIXES) or slant not in ("", "0"):
            continue
        if weight and weight.replace(".", "").isdigit() and not 50 <= float(weight) <= 100:
            continue  # light or bold faces: a poster is set in the regular weight
        seen.add(path)
        fonts.append(FoundFont(Path(path), int(index) if index.isdigit() else 0, family))
    return fonts


def installed_fonts(system: str = sys.platform, env: Mapping[str, str] = os.environ, home: Path | None = None,
                    fc_match: str | None = "auto", root: Path = Path("/")) -> list[FoundFont]:  # fmt: skip
    """Installed CJK fonts, best first: fontconfig's order where it exists, else known names in the standard folders."""
    folders = font_folders(system, env, home, root)
    if system.startswith("win"):
        return list(by_name(folders, WINDOWS))
    if system == "darwin":
        return list(by_name(folders, MACOS))
    tool = shutil.which("fc-match") if fc_match == "auto" else fc_match
    fonts = _fontconfig(tool) if tool else []
    return fonts or list(by_name(folders, LINUX))

"""Rebuild the fonts that ship with yizhan (the posters' last resort) from Debian's packages, and check them.

    python3 yizhan/posters/fontdata/fetch.py           # download the two packages, extract, verify, copy here
    python3 yizhan/posters/fontdata/fetch.py --check   # only verify the files here against the recorded digests

Where they come from (unchanged files, byte for byte):
- DroidSansFallbackFull.ttf: Debian bookworm `fonts-droid-fallback` 1:6.0.1r16-1.1, from the Android Open Source
  Project (platform/frameworks/base, data/fonts). Apache License 2.0. TrueType outlines, 28,601 code points of
  Chinese (both scripts), Japanese and Korean; no Latin letters.
- LiberationSans-Regular.ttf: Debian bookworm `fonts-liberation2` 2.1.5-1 (github.com/liberationfonts).
  SIL Open Font License 1.1. Latin, Greek and Cyrillic, for the letters and digits of addresses and codes.
The licence texts are beside them (LICENSE-*.txt, COPYRIGHT-*.txt, copied from the packages' copyright files).
Needs apt-get and dpkg-deb (Debian or Ubuntu) and the Debian package registry.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = {  # file -> (Debian package, version, path inside the package, sha256)
    "DroidSansFallbackFull.ttf": ("fonts-droid-fallback", "1:6.0.1r16-1.1", "usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                                  "acb6440a713d880a13a21b468ba7cd43f5a2b2934972e51be791c880730777b8"),
    "LiberationSans-Regular.ttf": ("fonts-liberation2", "2.1.5-1", "usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                                   "8d91388f1d3604b3b8ae0e3ee2d140e50cd6122f9214514f4aca772540a4076d"),
}
LICENCES = {"COPYRIGHT-DroidSansFallback.txt": ("fonts-droid-fallback", "usr/share/doc/fonts-droid-fallback/copyright"),
            "COPYRIGHT-LiberationSans.txt": ("fonts-liberation2", "usr/share/doc/fonts-liberation2/copyright")}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check() -> bool:
    ok = True
    for name, (_, _, _, sha) in FILES.items():
        found = digest(HERE / name) if (HERE / name).is_file() else "missing"
        print(f"{name}: {'ok' if found == sha else f'expected {sha}, found {found}'}")
        ok &= found == sha
    return ok


def fetch() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        packages = sorted({f"{pkg}={version}" for pkg, version, _, _ in FILES.values()})
        subprocess.run(["apt-get", "download", *packages], cwd=work, check=True)
        for deb in work.glob("*.deb"):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        for name, (_, _, inside, sha) in FILES.items():
            src = work / "x" / inside
            if digest(src) != sha:
                sys.exit(f"{src}: sha256 {digest(src)} is not the recorded {sha}; update FILES only after checking the new file")  # i18n: not for people (a maintainer's tool)
            shutil.copyfile(src, HERE / name)
        for name, (_, inside) in LICENCES.items():
            shutil.copyfile(work / "x" / inside, HERE / name)
        apache = Path("/usr/share/common-licenses/Apache-2.0")
        if apache.is_file():
            shutil.copyfile(apache, HERE / "LICENSE-Apache-2.0.txt")


if __name__ == "__main__":
    if "--check" not in sys.argv[1:]:
        fetch()
    sys.exit(0 if check() else 1)

"""Messages in the staff's language: Simplified Chinese by default, English when the locale asks for it.

Every user-facing string is written in English in the code, wrapped in `_()` (or `ngettext()`), and
translated in the gettext catalog `yizhan/locale/zh_CN/LC_MESSAGES/yizhan.po` (kept with Babel:
`make i18n` extracts, updates and compiles; the compiled `.mo` ships in the package). Module-level
constants are marked with `N_()` and translated where they are used, so that the language is the one
of the moment the message is shown.
"""

from __future__ import annotations

import errno
import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

DOMAIN = "yizhan"
LOCALES = Path(__file__).parent / "locale"
CHINESE = "zh_CN"
_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # GNU gettext's order


def language(env: Mapping[str, str] | None = None) -> str:
    """'zh' or 'en': YIZHAN_LANG if set, else the first locale variable that names a language; Chinese by default."""
    env = os.environ if env is None else env
    chosen = env.get("YIZHAN_LANG", "").strip()
    if not chosen:
        for name in _VARIABLES:
            value = env.get(name, "").split(":")[0].strip()
            if value and value.upper() not in ("C", "POSIX") and not value.upper().startswith(("C.", "POSIX.")):
                chosen = value
                break
    return "en" if chosen.lower().startswith("en") else "zh"


@cache
def catalog(lang: str) -> _gettext.NullTranslations:
    """The translations for 'zh' (the compiled catalog) or 'en' (the messages as written)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALES, languages=[CHINESE], fallback=True)


def gettext(message: str) -> str:
    """The message in the current language."""
    return catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for n, in the current language."""
    return catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a constant for the catalog; translate it with `_()` where it is shown."""
    return message


_ = gettext

#: The help of every --host option (the servers listen on this machine only unless told otherwise).
#: click's "[required]" in --help: click translates the word through a variable, so Babel needs it named here.
CLICK_WORDS = (N_("required"),)
HOST_HELP = N_("Address to listen on: 127.0.0.1 for this machine only, 0.0.0.0 for the whole network.")

#: Field names of the station format and their Chinese labels, shown side by side in Chinese messages.
LABELS: dict[str, str] = {
    "id": "编号", "name": "名称", "level": "级别", "parent": "上级", "operator": "主办单位", "region": "行政区划",
    "city": "市", "district": "区县", "town": "街道乡镇", "address": "地址", "location": "坐标", "lat": "纬度",
    "lon": "经度", "datum": "坐标系", "hours": "开放时间", "hotlines": "服务热线", "number": "号码", "label": "说明",
    "contacts": "联系人", "role": "职务", "phone": "电话", "services": "服务项目", "kiosk": "自助报到",
    "notes": "备注", "updated": "更新日期",
}  # fmt: skip


def field(name: str) -> str:
    """A field as written in station files, with its Chinese label beside it in Chinese: `phone（电话）`."""
    if language() == "en":
        return name
    last = name.rsplit(".", 1)[-1].split("[", 1)[0]
    label = LABELS.get(last)
    return f"{name}（{label}）" if label else name


_OS_ERRORS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("it already exists"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.ECONNREFUSED: N_("the connection was refused"),
}


def os_error(err: OSError) -> str:
    """An operating-system error in Chinese for the common cases; in English (and for the rare ones) the system's own words."""
    known = _OS_ERRORS.get(err.errno or -1)
    return _(known) if known and language() != "en" else str(err.strerror or err)



def translate_click() -> None:
    """Make click's own messages (Usage, Options, its errors and prompts) follow the same language."""
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils", "_termui_impl"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover (a click without that module)
            continue
        if getattr(module, "_", None) is _gettext.gettext:
            module._ = gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is _gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]

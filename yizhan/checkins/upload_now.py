"""The kiosk admin's "upload now": the saved hub address and token of a data dir, and an upload in a thread."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from yizhan.durable import replace_file
from yizhan.errors import YizhanError

from .upload import upload

CONFIG_FILE = "upload.json"  # {"hub": URL, "token": TOKEN}, mode 0600, written by `yizhan upload ... --save`
_state: dict[str, str] = {}
_running: set[str] = set()
_lock = threading.Lock()


def save_config(data_dir: Path, hub: str, token: str) -> None:
    """Remember the hub and token for this data dir (0600, replaced atomically)."""
    replace_file(data_dir / CONFIG_FILE, json.dumps({"hub": hub, "token": token}).encode("utf-8"))


def load_config(data_dir: Path) -> dict[str, Any] | None:
    """The saved {"hub", "token"} of this data dir, or None."""
    try:
        config = json.loads((data_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return config if isinstance(config, dict) and config.get("hub") and config.get("token") else None


def upload_note(data_dir: Path) -> str:
    """What the last "upload now" of this data dir did (Chinese, no personal data), or ''."""
    with _lock:
        return _state.get(str(data_dir), "")


def no_hub_hint(station_id: str = "") -> str:
    """What staff do when no hub is set for this tablet, in plain Chinese (no command, no path)."""
    which = f"本驿站（编号 {station_id}）" if station_id else "本驿站"
    return (
        f"还没有设置上传地址，报到记录暂时只保存在这台平板上。请向报到汇总中心的管理员要两样东西：中心的网址和{which}的上传令牌；"
        "再请负责安装这台平板的技术人员把它们设置到平板上。设置好后，再点“立即上传”。"
    )


def start_upload(data_dir: Path, station_id: str = "") -> str:
    """Start an upload of the data dir in a thread (at most one at a time); a Chinese note for the admin page."""
    config = load_config(data_dir)
    key = str(data_dir)
    if config is None:
        note = no_hub_hint(station_id)
        with _lock:
            _state[key] = note
        return note
    with _lock:
        if key in _running:
            return _state.get(key, "正在上传……")
        _running.add(key)
        _state[key] = "正在上传……"

    def run() -> None:
        try:
            r = upload(data_dir, config["hub"], config["token"], give_up_after=60.0, log=lambda _m: None)
            note = f"上传完成：新增 {r.created} 条，已在中心 {r.duplicate} 条，仍待上传 {r.refused} 条。"
            if r.refused:
                note += f"有 {r.refused} 条被中心拒收（冲突或格式不对），请联系管理员。"
        except YizhanError as err:
            note = f"上传没有完成：{err}"
        except Exception as err:  # noqa: BLE001 - the admin page must show something, never a traceback
            note = f"上传没有完成：{type(err).__name__}"
        with _lock:
            _state[key] = note
            _running.discard(key)

    threading.Thread(target=run, name="yizhan-upload-now", daemon=True).start()
    return "正在上传……"

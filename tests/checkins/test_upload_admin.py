"""The kiosk admin page's upload status and "upload now" button, against a real hub on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

from bs4 import BeautifulSoup
from webtest import TestApp

from kiosk.app import FormConfig, Place
from kiosk.form import new_record
from kiosk.pin import set_pin
from kiosk.server import build_kiosk
from tests.hubhelpers import hub_thread
from yizhan.checkins.hub import make_hub
from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.upload_now import save_config, upload_note
from yizhan.stations.codes import station_codes

STATION = "test-station"
PLACE = Place(STATION, "梁溪区测试街道流动党员服务驿站", station_codes([STATION])[STATION])
PIN = "246810"
NO_HUB = ("还没有设置上传地址，报到记录暂时只保存在这台平板上。请向报到汇总中心的管理员要两样东西：中心的网址和本驿站（编号 test-station）"
          "的上传令牌；再请负责安装这台平板的技术人员把它们设置到平板上。设置好后，再点“立即上传”。")  # fmt: skip
VALUES = {"name": "张三", "phone": "13812345678", "home_org": "某村党支部", "purpose": "参加活动", "note": ""}


def test_upload_now_sends_pending_rows_and_shows_the_last_upload(tmp_path: Path) -> None:
    kiosk = build_kiosk(PLACE, tmp_path / "data", FormConfig(device_id="tab-1"))
    try:
        for _ in range(3):
            kiosk.store.add(new_record(VALUES, STATION, "kiosk", "tab-1"))
        set_pin(kiosk.data_dir, PIN)
        web = TestApp(kiosk.app)
        form = web.get("/admin").forms[0]
        form["pin"] = PIN
        form.submit(status=303)
        page = BeautifulSoup(web.get("/admin").text, "html.parser")
        assert page.select_one("#pending-count").text == "3" and page.select_one("#last-upload").text == "从未"
        assert page.select_one("#upload-hint").text == NO_HUB and page.select_one("#upload-note") is None  # before any try
        upload = page.select_one("form[action='/admin/upload']")
        csrf = upload.select_one("input[name=csrf]")["value"]
        web.post("/admin/upload", {"csrf": "forged"}, status=403)
        web.post("/admin/upload", {"csrf": csrf}, status=303)
        page = BeautifulSoup(web.get("/admin").text, "html.parser")
        note = page.select_one("#upload-note").text
        assert note == NO_HUB and page.select_one("#upload-hint") is None
        assert str(tmp_path) not in note and "yizhan" not in note and "--" not in note  # no command, no path
        db = HubDB(str(tmp_path / "hub.sqlite"))
        with hub_thread(make_hub(db)) as url:
            save_config(kiosk.data_dir, url, db.add_token(STATION))
            web.post("/admin/upload", {"csrf": csrf}, status=303)
            deadline = time.monotonic() + 60
            while upload_note(kiosk.data_dir) == "正在上传……" and time.monotonic() < deadline:
                time.sleep(0.05)
        page = BeautifulSoup(web.get("/admin").text, "html.parser")
        assert page.select_one("#upload-note").text == "上传完成：新增 3 条，已在中心 0 条，仍待上传 0 条。"
        assert page.select_one("#pending-count").text == "0" and page.select_one("#last-upload").text.startswith("20")
        assert db.count() == 3
    finally:
        kiosk.store.close()

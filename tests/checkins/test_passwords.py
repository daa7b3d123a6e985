"""The one scrypt helper of the kiosk's PIN and the hub's admin password, and the values stored before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from yizhan.checkins.hubdb import HubDB
from yizhan.checkins.passwords import hash_secret, secret_matches

# What HubDB.set_admin_password("correct horse battery") stored before the helper (the same form it stores now)
HUB_VALUE = (
    "scrypt$16384$8$1$0e08ff9ed26a4a67e058f354ab55da7b$26442257c7eed261af53baa7637de013cabf55d4b367bb8b0e7921658352c3cb"
    "ee924973fcba1ec1ea2efc1422a0f50507fb0507ddbe8da44ec92e904088ab05"
)


def test_a_hash_is_salted_and_checks_only_its_secret() -> None:
    a, b = hash_secret("246810"), hash_secret("246810")
    assert a.startswith("scrypt$16384$8$1$") and a != b and "246810" not in a
    assert secret_matches(a, "246810") and secret_matches(b, "246810")
    assert not secret_matches(a, "246811") and not secret_matches(a, "")


@pytest.mark.parametrize(
    "stored",
    ["", "scrypt", "bcrypt$16384$8$1$00$00", "scrypt$16384$8$1$zz$00", "scrypt$3$8$1$00$00", "scrypt$x$8$1$00$00",
     "scrypt$16384$8$1$00$00$00", "scrypt$16384$8$1$00$" + "00" * 15],
)  # fmt: skip
def test_a_malformed_stored_value_matches_nothing(stored: str) -> None:
    assert not secret_matches(stored, "246810")


def test_a_hub_password_stored_before_still_verifies(tmp_path: Path) -> None:
    db = HubDB(str(tmp_path / "hub.sqlite"))
    with db.transaction() as cur:
        cur.execute("INSERT INTO settings (name, value) VALUES (?, ?)", ("admin_password", HUB_VALUE))
    assert db.check_admin_password("correct horse battery") and not db.check_admin_password("correct horse battery!")
    db.set_admin_password("another long one")
    assert db.check_admin_password("another long one") and not db.check_admin_password("correct horse battery")
    db.close()

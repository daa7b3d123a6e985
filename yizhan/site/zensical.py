"""`yizhan build --engine zensical`: Zensical (Material for MkDocs' successor, which runs no MkDocs plugins) builds the
written tree from a copy of mkdocs.yml pointed at it. Zensical is an optional extra: pip install 'yizhan[zensical]'."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import yaml

from yizhan.config import PLUGIN, Settings
from yizhan.errors import YizhanError
from yizhan.i18n import _

from .generate import CSS, JS, THEME_DIR

CONFIG = "zensical.yml"  # written next to the tree: Zensical wants docs_dir and site_dir inside the config's folder
# The stylesheet Zensical 0.0.73's bundle inserts as an inline <style> (its search dialog and more): allowed by hash
STYLES = ("'sha256-NwSx/R2V/U4jnW0Tq5pQ53Y/rzPVJ4dqE7D6UTA/J1k='",)


def engine_config(settings: Settings, tree: Path, site: Path) -> dict[str, object]:
    """mkdocs.yml as Zensical should read it: the tree as docs, `site` as output, yizhan's templates, our assets."""
    raw = dict(settings.raw)
    plugins = raw.get("plugins") or []
    if isinstance(plugins, dict):
        raw["plugins"] = {name: opts for name, opts in plugins.items() if name != PLUGIN}
    else:
        raw["plugins"] = [p for p in plugins if p != PLUGIN and not (isinstance(p, dict) and PLUGIN in p)]
    raw["docs_dir"] = os.path.relpath(tree, tree.parent)
    raw["site_dir"] = os.path.relpath(site, tree.parent)
    theme = raw["theme"] = dict(raw.get("theme") or {})
    theme.setdefault("custom_dir", str(THEME_DIR))  # yizhan's header (search to the finder), 404 page, finder page
    theme.setdefault("variant", "classic")  # Material's layout, which yizhan.css colours (Zensical's own: a white header)
    raw["extra_css"] = [*CSS, *(x for x in raw.get("extra_css") or [] if x not in CSS)]
    raw["extra_javascript"] = [*JS, *(x for x in raw.get("extra_javascript") or [] if x not in JS)]
    return raw


def build_with_zensical(settings: Settings, tree: Path, site: Path) -> None:
    """Run `zensical build` over the tree into `site` (which must lie in the tree's parent folder)."""
    if importlib.util.find_spec("zensical") is None:
        raise YizhanError(_("the zensical engine needs Zensical: pip install 'yizhan[zensical]' (or build with the default engine)"))
    config = tree.parent / CONFIG
    try:
        text = yaml.safe_dump(engine_config(settings, tree, site), allow_unicode=True, sort_keys=False)
    except yaml.YAMLError as err:
        raise YizhanError(f"{settings.project / 'mkdocs.yml'}: " + _("Zensical gets a plain copy of it, and this one holds {error}")
                          .format(error=err)) from None
    config.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", CONFIG], cwd=tree.parent,
                         capture_output=True, text=True, check=False)  # fmt: skip
    if run.returncode != 0 or not (site / "index.html").is_file():
        output = (run.stdout + run.stderr).strip().splitlines()
        reason = output[-1] if output else _("exit status {code}").format(code=run.returncode)
        raise YizhanError(_("site build failed (zensical): {reason}").format(reason=reason))

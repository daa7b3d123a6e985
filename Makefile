# yizhan: `make test` installs what the tests need (pip packages; Debian's chromium, two CJK fonts (WenQuanYi for
# screenshots, Noto Sans CJK: the OpenType/CFF font the poster tests expect first),
# node, poppler-utils, zbar-tools and postgresql when running as root) and runs the whole suite. `make bench` runs the province-scale
# benchmarks (minutes, not part of the tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip
APT_PACKAGES := chromium fonts-wqy-zenhei fonts-noto-cjk nodejs npm poppler-utils zbar-tools postgresql

.PHONY: install system-deps node-peers test bench screenshots clean i18n

install:
	$(PIP) install --quiet --disable-pip-version-check -e '.[test]'

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$$missing fonts-wqy-zenhei"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null 2>&1 || missing="$$missing zbar-tools"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing (run 'sudo apt-get install$$missing')"; exit 1; \
	  fi; \
	fi

# opening_hours.js (the OSM opening_hours reference) for the hours comparison test, into build/npm (git-ignored)
node-peers: system-deps
	@[ -d build/npm/node_modules/opening_hours ] || npm install --silent --no-audit --no-fund --prefix build/npm opening_hours@3.15.0

test: install system-deps node-peers
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m pytest -q

bench: install system-deps
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/site_build.py; site=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/finder.py; finder=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/hub.py; hub=$$?; \
	$(PYTHON) bench/kiosk.py; kiosk=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/posters.py; posters=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/transfer.py; transfer=$$?; \
	[ $$site = 0 ] && [ $$finder = 0 ] && [ $$hub = 0 ] && [ $$kiosk = 0 ] && [ $$posters = 0 ] && [ $$transfer = 0 ]

# Screenshots (issue 16): every page type of the site, finder, kiosk, hub admin and report (tests/pages.py) at 390x844
# and 1280x800, first screen and whole page, into build/screenshots/<page>-<width>[-full].png; the demo is built afresh.
# `$(PYTHON) -m tests.screenshots --readme` also refreshes the README's pictures in tests/screenshots/.
screenshots: install system-deps
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m tests.screenshots

# Messages: extract every _()/N_()/ngettext() string of yizhan and the kiosk (and click's own), merge them into the
# Chinese catalog and compile it; then fill the new msgstr lines in yizhan/locale/zh_CN/LC_MESSAGES/yizhan.po and run
# `make i18n` again. tests/test_i18n.py fails while a message has no translation or the .mo is older than the .po.
LOCALE := yizhan/locale
i18n:
	mkdir -p build/i18n && ln -sfn "$$($(PYTHON) -c 'import click, os; print(os.path.dirname(click.__file__))')" build/i18n/click
	$(PYTHON) -m babel.messages.frontend extract --add-location=file --sort-by-file -k N_ -k ngettext:1,2 \
	  --project=yizhan --copyright-holder=yizhan --msgid-bugs-address= -o $(LOCALE)/yizhan.pot yizhan kiosk build/i18n/click
	@if [ -f $(LOCALE)/zh_CN/LC_MESSAGES/yizhan.po ]; then \
	  $(PYTHON) -m babel.messages.frontend update --no-fuzzy-matching --ignore-obsolete -D yizhan -l zh_CN -i $(LOCALE)/yizhan.pot -d $(LOCALE); \
	else \
	  $(PYTHON) -m babel.messages.frontend init -D yizhan -l zh_CN -i $(LOCALE)/yizhan.pot -d $(LOCALE); \
	fi
	$(PYTHON) -m babel.messages.frontend compile --statistics -D yizhan -d $(LOCALE)

clean:
	rm -rf build/site build/.site-new-* build/bench

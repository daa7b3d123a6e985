# yizhan: `make test` installs what the tests need (pip packages; Debian's chromium, two CJK fonts (WenQuanYi for
# screenshots, Noto Sans CJK: the OpenType/CFF font the poster tests expect first),
# node, poppler-utils, zbar-tools and postgresql when running as root) and runs the whole suite. `make bench` runs the province-scale
# benchmarks (minutes, not part of the tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip
APT_PACKAGES := chromium fonts-wqy-zenhei fonts-noto-cjk nodejs poppler-utils zbar-tools postgresql

.PHONY: install system-deps test bench clean

install:
	$(PIP) install --quiet --disable-pip-version-check -e '.[test]'

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$$missing fonts-wqy-zenhei"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
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

test: install system-deps
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m pytest -q

bench: install system-deps
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/site_build.py; site=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/finder.py; finder=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/hub.py; hub=$$?; \
	$(PYTHON) bench/kiosk.py; kiosk=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/posters.py; posters=$$?; \
	NO_MKDOCS_2_WARNING=1 $(PYTHON) bench/transfer.py; transfer=$$?; \
	[ $$site = 0 ] && [ $$finder = 0 ] && [ $$hub = 0 ] && [ $$kiosk = 0 ] && [ $$posters = 0 ] && [ $$transfer = 0 ]

clean:
	rm -rf build/site build/.site-new-* build/bench

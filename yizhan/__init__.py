"""yizhan: station directory, posters and check-in kiosks.

Packages, each importing only those below it (checked by import-linter in `make test`):

- ``yizhan.cli``: the `yizhan` command, a thin layer over everything else;
- ``yizhan.site``: the directory site (pages, finder, service worker, policy, the MkDocs glue, the build);
- ``yizhan.posters``: the A4 QR posters and their combined PDFs;
- ``yizhan.checkins``: the check-in record, the kiosk's durable CSV, upload, merge, the hub and its reports;
- ``yizhan.stations``: the station model, reading and checking station files, hours, phones, coordinates;
- ``yizhan.config``: the project's mkdocs.yml, read once (the site's settings and the yizhan plugin's options);
- ``yizhan.errors`` and ``yizhan.durable``: the one error type and durable file writes, used by all.

The kiosk (the top-level package ``kiosk``) imports ``yizhan.stations`` and ``yizhan.checkins`` only.
"""

__version__ = "0.1.0"

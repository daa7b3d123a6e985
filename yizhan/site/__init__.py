"""The directory site: station, region and hotline pages, the finder and its data, the offline worker, map links,
escaping, the Content-Security-Policy, the build and swap, the MkDocs glue, templates and assets.

May import ``yizhan.stations`` and ``yizhan.posters`` (the poster index it links), never ``yizhan.checkins``.
"""

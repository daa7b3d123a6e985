"""A4 QR posters: settings from mkdocs.yml, fonts, QR codes, layout, batches drawn in parallel, combined PDFs
from cached page streams, the poster index and its copy into a built site, and what the commands print.

May import ``yizhan.stations`` only.
"""

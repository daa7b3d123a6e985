"""Check-ins: the record format, the kiosk's durable CSV store, upload, merge and USB import, the hub (its app and
database) and reports with their charts, and the command line of this side.

May import ``yizhan.stations`` only (station ids and names); the kiosk package builds on it.
"""

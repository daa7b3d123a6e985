"""The check-in kiosk (a tablet at a station): form rules (kiosk.form), the Bottle app (kiosk.app.make_app), staff
pages (kiosk.admin), the server and `yizhan kiosk` (kiosk.cli), and the phone form on the hub (kiosk.selfcheckin).

Imports ``yizhan.stations`` and ``yizhan.checkins`` only.
"""

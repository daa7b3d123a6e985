"""Check-in kiosk: form rules (kiosk.form), the Bottle app (kiosk.app.make_app), staff pages (kiosk.admin), `yizhan kiosk` (kiosk.cli)."""

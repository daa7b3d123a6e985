"""Check-in kiosk (a Bottle app); built in the kiosk issue."""

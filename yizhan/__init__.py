"""yizhan: station directory, posters and check-in kiosks."""

__version__ = "0.1.0"

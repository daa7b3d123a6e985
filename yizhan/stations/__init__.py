"""The station model and station files: reading YAML safely, checking every field, hours, phones, coordinates,
vocabularies, station codes, region slugs, demo data, the cache of checked files and the JSON Schema.

Imports nothing of yizhan but ``yizhan.errors`` and ``yizhan.durable``.
"""

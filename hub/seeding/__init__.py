"""The deterministic synthetic city (``credit-hub seed``) and its fixed demo records.
Imports hub.importing, hub.keys, hub core and graph/.
"""

from hub.seeding.run import SeedSummary, seed_city

__all__ = ["SeedSummary", "seed_city"]

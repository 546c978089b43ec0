"""Platform administration desks: units, the measures catalogue, per-unit figures.
Imports hub.audit, hub.policy, hub core and graph/.
"""

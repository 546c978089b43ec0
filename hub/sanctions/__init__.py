"""Joint punishment and reward desks: check, exposure, feedback, incentives.
Imports hub.reading, hub.policy, hub core and graph/.
"""

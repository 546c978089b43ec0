"""The one-query read path: the planner, the shaper, projected nodes, entity reads and sources.
Imports hub.policy, hub.keys, hub core and graph/.
"""

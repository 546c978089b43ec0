"""The one-query read path: the planner, the shaper, projected nodes, entity and audit reads,
sources. Imports hub.audit, hub.auth, hub.policy, hub.keys, hub core and graph/.
"""

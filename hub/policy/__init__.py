"""Who may see what: the Casbin engine and decisions, masks, purpose limits, quotas, lint, edge
scopes.
Imports hub core (errors, settings) and graph/ only.
"""

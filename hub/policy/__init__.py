"""Who may see what: the Casbin engine and decisions, masks, purpose limits, quotas, lint, edge
scopes.
Imports hub.audit (a policy reload is audited), hub core (errors, clock) and graph/ only.
"""

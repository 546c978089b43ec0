"""The supergraph surface: the subgraph SDL with edge auth directives derived from the policy.
Imports the schema, hub.policy and hub core; only the services and the CLI import it.
"""

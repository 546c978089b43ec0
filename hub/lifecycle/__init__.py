"""The list lifecycle (R3–R9, R21, R22): entries from proposal to exit, by the identifying unit.
Imports hub.reading, hub.policy, hub.validation, hub.keys, hub core and graph/.
"""

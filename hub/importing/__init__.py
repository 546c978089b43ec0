"""The all-or-nothing import of JSON Lines files (API.md "Import file", docs/import.md).
Imports hub.lifecycle (rules, calendar), hub.validation, hub.keys, hub core and graph/.
"""

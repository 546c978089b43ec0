"""The all-or-nothing import of JSON Lines files (API.md "Import file", docs/import.md)."""

"""Data exchange with other platforms and feeds: signed list export, recognition (R18), snapshots,
court feed.
Imports hub.importing, hub.keys, hub.audit, hub core and graph/.
"""

"""The query log: records, the writer, hash chains and signing, verify, proof, export,
retention, anomalies (the audit desk is hub.reading.audit).
Imports hub core (errors, settings, clock, identifiers), hub.keys and graph/.
"""

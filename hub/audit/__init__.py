"""The query log: records, the writer, hash chains and signing, stored form, verify, proof, export,
retention, queries, anomalies.
Imports hub core, hub.keys, hub.policy and graph/.
"""

"""The audit store in Neo4j: writes, reads and the verification scan.
Imports graph/ only.
"""

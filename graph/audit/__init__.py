"""The audit store in Neo4j: the stored form of a record, writes, reads and the verification scan.
Imports graph/ only.
"""

"""The credit graph in Neo4j: the model, literal Cypher, the reader, stores and the local Neo4j.
The bottom layer: imports nothing from hub/ or schema/ and raises its own errors (graph.errors).
"""

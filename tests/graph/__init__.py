"""Tests of graph/: the local Neo4j, the catalogue, the projection compiler."""

"""The test suite; its folders mirror the packages of hub/, graph/ and schema/ (fixtures shared
by all of them are in conftest.py)."""

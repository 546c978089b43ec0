"""The command line (`credit-hub`), one module per command group.
The top layer: may import anything; nothing imports it.
"""

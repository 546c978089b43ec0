"""What may come in: identifier checks (GB 32100, GB 11643), the unit-code grammar, personal data
in free text, the bounds of every input.
Imports hub.errors only.
"""

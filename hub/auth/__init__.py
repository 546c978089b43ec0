"""Who is calling: bearer-token verification and the platform's known units.
Imports hub.validation, hub core and graph/.
"""

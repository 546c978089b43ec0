"""Keys and ciphers: identity numbers at rest (AES-GCM + blind index), key rotation, token signing
keys.
Imports hub core and graph/ only.
"""

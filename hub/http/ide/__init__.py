"""Offline GraphiQL page: pinned browser bundles (``build.sh``) and the routes (``page``).
Imports nothing of the hub but the settings; served by hub.http.app.
"""

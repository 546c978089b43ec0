"""Offline GraphiQL page: pinned browser bundles (``build.sh``) and the routes (``page``)."""

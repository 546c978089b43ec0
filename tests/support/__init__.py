"""Helpers the tests share: an in-process hub client (hubtest), the CLI and audit records
(audittest), the federation stack (fedtest)."""

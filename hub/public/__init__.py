"""Public disclosure (信用公示): the anonymous lookup, 双公示 decisions, public reports (R26) and
signed credit reports. Imports hub.joint and below; the endpoint and the importer call into it."""

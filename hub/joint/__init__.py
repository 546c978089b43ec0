"""Joint action (联动): entry events written with their change, who is told what, webhooks and
their deliverer. Imports hub.reading and below; hub.lifecycle and the importers call into it."""

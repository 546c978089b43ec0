"""The packaged policy: the Casbin model and rules, masks, purpose limits, quotas, calendars.
Data only; read by hub.policy (a deployment points CREDIT_HUB_POLICY_DIR at its own copy).
"""

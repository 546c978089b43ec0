"""The roles and purposes the policy speaks of (DESIGN.md "Roles"; issue 5 deepens them)."""

from __future__ import annotations

ROLES = (
    "identifying_officer",  # 认定单位经办人: keeps its unit's lists
    "agency_analyst",  # 部门分析人员: subjects and related-person exposure
    "implementing_officer",  # 实施单位经办人: checks and applies measures
    "bank_officer",  # 金融机构: scoped checks for a declared purpose
    "privacy_officer",  # 隐私/审计专员: reads the query log
    "public",  # 社会公众: published entries only
    "admin",  # 管理员: units, measures, policies
    "data_subject",  # 信息主体: their own access history only (hub/audit/subjects.py)
)

# Declared purposes (X-Purpose): a closed list, credit-bureau style for banks and
# administrative ones for agencies.
PURPOSES = (
    "LOAN_APPROVAL",
    "CREDIT_CARD_APPROVAL",
    "GUARANTEE_REVIEW",
    "POST_LOAN_MANAGEMENT",
    "LICENSING",
    "PROCUREMENT",
    "REGISTRATION",
    "ENFORCEMENT",
    "SUPERVISION",
    "OBJECTION_REVIEW",
    "ACCESS_AUDIT",
)

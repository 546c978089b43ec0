"""The graph model's enumerations (docs/model.md, API.md): one spelling per concept.

The values are the strings stored in Neo4j and written in import files; ``StrEnum`` members
compare equal to them. Convert with ``.value`` before handing a value to the driver.

They are the only definitions: ``schema.types`` and ``schema.checks`` register them as the
GraphQL enums of the same names (``ReachKind`` there leaves out SUBJECT: ``reachedAs: null``).
"""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    """What sort of unit pushes or uses lists (API.md, import file ``kind``)."""

    AGENCY = "AGENCY"  # 行政机关
    COURT = "COURT"  # 人民法院
    FINANCIAL = "FINANCIAL"  # 金融机构
    ASSOCIATION = "ASSOCIATION"  # 行业协会商会、群团组织
    PUBLIC_SERVICE = "PUBLIC_SERVICE"  # 公共服务机构、公共资源交易中心
    PLATFORM = "PLATFORM"  # 信用信息共享平台


class RoleKind(StrEnum):
    """A natural person's role in an enterprise (``HOLDS_ROLE.kind``)."""

    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"  # 法定代表人
    PRINCIPAL = "PRINCIPAL"  # 主要负责人
    DIRECTOR = "DIRECTOR"  # 董事
    SUPERVISOR = "SUPERVISOR"  # 监事
    SENIOR_MANAGER = "SENIOR_MANAGER"  # 高级管理人员
    ACTUAL_CONTROLLER = "ACTUAL_CONTROLLER"  # 实际控制人
    DIRECTLY_RESPONSIBLE = "DIRECTLY_RESPONSIBLE"  # 对失信行为负有直接责任的人员


class ListKind(StrEnum):
    RED = "RED"  # 红名单
    BLACK = "BLACK"  # 黑名单
    WATCH = "WATCH"  # 重点关注名单


class EntryStatus(StrEnum):
    PROPOSED = "PROPOSED"  # 初步名单
    PUBLIC_NOTICE = "PUBLIC_NOTICE"  # 公示中
    ACTIVE = "ACTIVE"  # 生效
    OBJECTED = "OBJECTED"  # 异议核实中 (R22: measures suspended)
    EXITED = "EXITED"  # 已退出 (R7, R8)


class ExitReason(StrEnum):
    """Why an entry left its list (R7 for RED, R8 for BLACK)."""

    LISTED_IN_ERROR = "LISTED_IN_ERROR"  # 经异议处理认定有误 (R7a, R8a)
    BLACK_LISTED = "BLACK_LISTED"  # 红名单主体被列入黑名单 (R4, R7b)
    WATCH_LISTED = "WATCH_LISTED"  # 红名单主体被列入重点关注名单 (R7b)
    TRANSFERRED_TO_BLACK = "TRANSFERRED_TO_BLACK"  # 重点关注名单主体转入黑名单 (R5)
    MISUSED_REWARDS = "MISUSED_REWARDS"  # 不当利用红名单奖励机制 (R7b)
    CREDIT_REPAIRED = "CREDIT_REPAIRED"  # 信用修复提前退出 (R8b)
    EXPIRED = "EXPIRED"  # 有效期届满 (R7c, R8c)
    STANDARD_CHANGED = "STANDARD_CHANGED"  # 认定标准改变 (R7d, R8d)


class SourceFeed(StrEnum):
    """How an entry reached this platform (its source, docs/federation.md "Where it came from")."""

    IMPORT = "IMPORT"  # credit-hub import FILE (a unit's or the platform's own data)
    COURT_FEED = "COURT_FEED"  # credit-hub import --court-feed (失信被执行人, R15)
    SNAPSHOT = "SNAPSHOT"  # credit-hub import --signed: another platform's list (R18)
    PROPOSAL = "PROPOSAL"  # proposeEntry / pushEntries / credit-hub push (the lifecycle)
    FOLLOW_UP = "FOLLOW_UP"  # the watch entry that follows a black exit (R8)
    SEED = "SEED"  # credit-hub seed: synthetic data


class MeasureKind(StrEnum):
    MANDATORY = "MANDATORY"  # 强制性措施
    RECOMMENDED = "RECOMMENDED"  # 推荐性措施


class FeedbackOutcome(StrEnum):
    """What an implementing unit did with a measure of an entry (执行反馈, R17)."""

    APPLIED = "APPLIED"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    FAILED = "FAILED"


class ReachKind(StrEnum):
    """Whom a measure reaches: the listed subject itself or a person through a role (R11, R16)."""

    SUBJECT = "SUBJECT"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    PRINCIPAL = "PRINCIPAL"
    DIRECTLY_RESPONSIBLE = "DIRECTLY_RESPONSIBLE"
    ACTUAL_CONTROLLER = "ACTUAL_CONTROLLER"
    DIRECTOR = "DIRECTOR"
    SUPERVISOR = "SUPERVISOR"
    SENIOR_MANAGER = "SENIOR_MANAGER"
    SHAREHOLDER = "SHAREHOLDER"  # through HOLDS_SHARES


class ReachOn(StrEnum):
    """Which date decides who held a role when a measure reaches persons (R11)."""

    ACT_DATE = "ACT_DATE"  # the dishonest act's date; the identification date where unknown
    LISTING_DATE = "LISTING_DATE"  # the identification date


def values(enum: type[StrEnum]) -> str:
    """The members of ``enum`` for an error message: ``RED, BLACK, WATCH``."""
    return ", ".join(member.value for member in enum)

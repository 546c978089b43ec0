"""The hub's long-lived parts, built once per process from settings (stateless otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncDriver

from graph.audit.store import AuditStore
from graph.driver import open_async_driver
from hub.admin.desk import AdminDesk
from hub.admin.stats import StatsDesk
from hub.audit.disclosure import Disclosure
from hub.audit.log import AuditLog
from hub.audit.signing import load_audit_signer
from hub.auth.known_units import KnownUnits
from hub.auth.tokens import Caller, TokenVerifier
from hub.clock import Clock, today
from hub.context import RequestContext
from hub.errors import ConfigurationError
from hub.federation.subgraph import published_sdl
from hub.keys.crypto import FieldCipher, load_keyring, load_pseudonym_key
from hub.keys.signing import ensure_dev_signing_key
from hub.lifecycle.desk import ListDesk
from hub.lifecycle.history import History
from hub.lifecycle.proposals import Proposals
from hub.lifecycle.service import LifecycleService
from hub.lifecycle.steps import Actor
from hub.policy.engine import Policy, policy_dir
from hub.policy.masking import Masker
from hub.policy.quota import Quotas, read_quotas
from hub.policy.source import PolicySource
from hub.reading.audit import AuditReads
from hub.reading.reader import HubReader
from hub.reading.reads import SubjectReads
from hub.reading.shaping import Shaper
from hub.reading.sources import request_batch
from hub.sanctions.checks import CheckDesk
from hub.sanctions.exposure import ExposureDesk
from hub.sanctions.feedback import FeedbackDesk
from hub.settings import Settings
from schema.build import HubSchema, build_schema
from schema.surface import schema_surface


@dataclass
class Hub:
    settings: Settings
    driver: AsyncDriver
    audit_driver: AsyncDriver
    cipher: FieldCipher
    masker: Masker
    verifier: TokenVerifier
    units: KnownUnits
    policies: PolicySource
    quotas: Quotas
    schema: HubSchema
    admin_schema: HubSchema
    audit_log: AuditLog
    lifecycle: LifecycleService
    proposals: Proposals
    clock: Clock
    """The platform's day for every desk (``hub.clock``): the one place "today" comes from."""

    @classmethod
    def build(cls, settings: Settings, clock: Clock = today) -> Hub:
        """``clock`` is the platform's calendar day for every desk (tests fix or move it)."""
        create_keys = not settings.is_production
        schema = build_schema(introspection=False, sdl=published_sdl)
        driver = open_async_driver(settings)
        audit_driver = (
            driver
            if settings.audit_neo4j_uri == settings.neo4j_uri
            else open_async_driver(settings, settings.audit_neo4j_uri)
        )
        cipher = FieldCipher(
            load_keyring(settings.keys_dir, create=create_keys),
            reload=lambda: load_keyring(settings.keys_dir, create=False),
        )
        audit_log = AuditLog(
            AuditStore(audit_driver, settings.neo4j_database),
            load_audit_signer(settings.keys_dir, create=create_keys),
            checkpoint_records=settings.audit_checkpoint_records,
            checkpoint_seconds=settings.audit_checkpoint_seconds,
            in_flight=settings.audit_in_flight,
            pipeline_min=settings.audit_pipeline_min,
        )
        return cls(
            settings=settings,
            driver=driver,
            audit_driver=audit_driver,
            cipher=cipher,
            masker=Masker(load_pseudonym_key(settings.keys_dir, create=create_keys)),
            verifier=_verifier(settings),
            units=KnownUnits(HubReader(driver, settings.neo4j_database)),
            quotas=Quotas(
                driver,
                settings.neo4j_database,
                read_quotas((settings.policy_dir or policy_dir()) / "quotas.csv"),
            ),
            policies=PolicySource(schema_surface(schema), audit_log.write, settings.policy_dir),
            schema=schema,
            admin_schema=build_schema(introspection=True, sdl=published_sdl),
            audit_log=audit_log,
            lifecycle=LifecycleService(driver, settings.neo4j_database, clock),
            proposals=Proposals(driver, settings.neo4j_database, cipher, clock),
            clock=clock,
        )

    def request_context(
        self,
        request_id: str,
        caller: Caller,
        purpose: str | None,
        policy: Policy,
        disclosure: Disclosure,
    ) -> RequestContext:
        """The desks of one request, every one of them, for this caller under ``policy``;
        what they disclose is noted in ``disclosure`` (the request's audit record)."""
        decisions = policy.decisions(caller.roles, caller.unit, purpose)
        database = self.settings.neo4j_database
        reader = HubReader(self.driver, database)
        audit_reader = HubReader(self.audit_driver, database)
        shaper = Shaper(decisions, self.cipher, self.masker, caller.unit, disclosure)
        groups = frozenset(policy.purpose_groups.get(purpose or "", ()))
        return RequestContext(
            request_id=request_id,
            caller=caller,
            purpose=purpose,
            decisions=decisions,
            policy=policy,
            disclosure=disclosure,
            reads=SubjectReads(
                reader,
                shaper,
                self.cipher,
                self.clock,
                decisions.entry_scope,
                caller.unit,
                disclosure.check_tally,
            ),
            lists=ListDesk(
                Actor(caller.subject, caller.unit),
                decisions,
                shaper,
                self.lifecycle,
                self.proposals,
                History(reader, self.clock),
                request_batch(request_id),
            ),
            audit=AuditReads(
                audit_reader,
                self.cipher,
                self.masker,
                decisions,
                caller,
                disclosure,
                self.settings.miss_rule,
            ),
            checks=CheckDesk(
                reader, shaper, self.cipher, disclosure, caller.unit, groups, self.clock
            ),
            exposure=ExposureDesk(reader, shaper, self.cipher, disclosure, self.clock),
            feedback=FeedbackDesk(
                self.driver,
                database,
                reader,
                audit_reader,
                shaper,
                decisions,
                caller.subject,
                caller.unit,
                self.clock,
                disclosure.check_tally,
            ),
            admin=AdminDesk(
                self.driver, database, reader, shaper, self.policies, caller.subject, disclosure
            ),
            stats=StatsDesk(audit_reader, reader, shaper),
            readers=(reader, audit_reader),
        )

    async def close(self) -> None:
        await self.audit_log.close()
        await self.driver.close()
        if self.audit_driver is not self.driver:
            await self.audit_driver.close()


def _verifier(settings: Settings) -> TokenVerifier:
    key_file = settings.jwt_public_key_file
    if key_file is None:
        if settings.is_production:
            raise ConfigurationError("CREDIT_HUB_JWT_PUBLIC_KEY_FILE is required in production")
        key_file = ensure_dev_signing_key(settings.keys_dir)
    return TokenVerifier.from_pem_file(key_file, settings.jwt_issuer, settings.jwt_audience)


__all__ = ["Hub", "schema_surface"]

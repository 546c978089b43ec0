"""``python -m hub.demo``: print ready-to-paste tokens and example queries for the demo city."""

from __future__ import annotations

import argparse
import json

from hub.keys.signing import mint_token
from hub.settings import Settings

DEMO_USCC = "91110000600037341L"  # 某某科技有限公司 (hub/seeding/demo.py)
DEMO_ID_NUMBER = "11010519491231002X"  # 张三, its legal representative
CALLERS = (
    ("agency_analyst", "U-TAX", "LICENSING"),
    ("bank_officer", "U-BANK-ICBC", "LOAN_APPROVAL"),
    ("privacy_officer", "U-PLATFORM", "ACCESS_AUDIT"),
    ("admin", "U-PLATFORM", None),
)
ENTERPRISE_QUERY = (
    "query($uscc: String!) { enterprise(uscc: $uscc) { uscc name "
    "legalRepresentative { id name idNumber } "
    "roles { kind from to person { name } } "
    "entries { id list status domain identifyingUnit identifiedOn validUntil } } }"
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m hub.demo")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    settings = Settings.from_env()
    url = f"http://{args.host}:{args.port}/graphql"
    print("\n=== credit-hub demo ===")
    print(f"GraphiQL (offline): http://{args.host}:{args.port}/graphiql")
    for role, unit, purpose in CALLERS:
        token = mint_token(
            settings.keys_dir,
            roles=[role],
            unit=unit,
            subject=f"demo-{role}",
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=8 * 3600,
        )
        print(f"\n# {role} of {unit}" + (f", purpose {purpose}" if purpose else ""))
        print(f"export TOKEN_{role.upper()}={token}")
    body = json.dumps({"query": ENTERPRISE_QUERY, "variables": {"uscc": DEMO_USCC}})
    print("\n# An enterprise, its legal representative and its list entries:")
    print(
        f'curl -s {url} -H "Authorization: Bearer $TOKEN_AGENCY_ANALYST" '
        f"-H 'X-Purpose: LICENSING' -H 'Content-Type: application/json' -d '{body}'"
    )
    person = json.dumps(
        {
            "query": '{ check(subject: {idNumber: "%s"}) { verdict measures { code } } }'
            % DEMO_ID_NUMBER
        }
    )
    print("\n# A bank's scoped check of the same person (list status and financial measures only):")
    print(
        f'curl -s {url} -H "Authorization: Bearer $TOKEN_BANK_OFFICER" '
        f"-H 'X-Purpose: LOAN_APPROVAL' -H 'Content-Type: application/json' -d '{person}'"
    )
    print()


if __name__ == "__main__":
    main()

// The GraphQL-over-HTTP conformance audit (npm graphql-http, auditServer) against a server.
//
//   AUDIT_AUTHORIZATION="Bearer ..." AUDIT_PURPOSE=LICENSING node audit.mjs URL
//
// Every request the audit sends carries the given Authorization and X-Purpose (the hub answers
// nothing to an anonymous caller). Prints a JSON array [{id, name, status, reason?, status_code?,
// body?}] on stdout and exits 0; what is an acceptable result is decided by the caller
// (tests/audit/test_graphql_http_audit.py).
import { auditServer } from "graphql-http";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}
const extra = {};
if (process.env.AUDIT_AUTHORIZATION) extra.authorization = process.env.AUDIT_AUTHORIZATION;
if (process.env.AUDIT_PURPOSE) extra["x-purpose"] = process.env.AUDIT_PURPOSE;

function fetchWithCredentials(input, init = {}) {
  const headers = new Headers(init.headers ?? {});
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: fetchWithCredentials });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    entry.status_code = result.response?.status;
    try {
      entry.body = (await result.response.text()).slice(0, 500);
    } catch {
      entry.body = null;
    }
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");

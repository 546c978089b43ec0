// Edge authorization for the gateway (stack.mjs with EDGE_AUTH_PUBLIC_KEY): Hive Gateway's
// generic auth enforces the @authenticated / @requiresScopes the hub emits from its policy
// (docs/federation.md, "Edge directives"). A pre-filter only: the hub decides again.
//
// The caller's scopes, as the hub's scheme says (hub/edge_scopes.py caller_scopes): each role
// of a token the gateway verified itself (EdDSA, issuer, audience, expiry) and each role
// joined to the declared X-Purpose ("ROLE/PURPOSE", "ROLE/NONE" without one).
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

export function verifiedClaims(authorization, key, issuer, audience) {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? "");
  if (!match) return null;
  const [, header, payload, signature] = match;
  try {
    if (JSON.parse(Buffer.from(header, "base64url")).alg !== "EdDSA") return null;
    const signed = Buffer.from(`${header}.${payload}`);
    if (!verify(null, signed, key, Buffer.from(signature, "base64url"))) return null;
    const claims = JSON.parse(Buffer.from(payload, "base64url"));
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (claims.iss !== issuer || !audiences.includes(audience)) return null;
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) return null;
    return Array.isArray(claims.roles) ? claims : null;
  } catch {
    return null;
  }
}

export function callerScopes(roles, purpose) {
  return roles.flatMap((role) => [role, `${role}/${purpose || "NONE"}`]);
}

export function edgeAuth(publicKeyFile, issuer, audience) {
  const key = createPublicKey(readFileSync(publicKeyFile));
  return {
    mode: "protect-granular",
    resolveUserFn(context) {
      const claims = verifiedClaims(
        context.request.headers.get("authorization"),
        key,
        issuer,
        audience,
      );
      if (claims === null) return null;
      return { roles: claims.roles, purpose: context.request.headers.get("x-purpose") };
    },
    extractScopes: (user) => callerScopes(user?.roles ?? [], user?.purpose),
    // Refuse the whole request when it asks for anything the caller may not reach.
    rejectUnauthenticated: true,
  };
}

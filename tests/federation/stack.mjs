// The federation stack the end-to-end test drives (tests/federation/test_federation.py):
//
//   node stack.mjs HUB_SDL_FILE HUB_URL
//
// 1. serves the court subgraph (court.mjs) on 127.0.0.1, a free port;
// 2. composes the hub's SDL with the court's using @theguild/federation-composition;
// 3. serves the supergraph through Hive Gateway (@graphql-hive/gateway-runtime with
//    @graphql-mesh/transport-http) on 127.0.0.1, a free port. The gateway forwards the
//    client's Authorization and X-Purpose to the hub and nothing else of the client's.
//
// With EDGE_AUTH_PUBLIC_KEY (and EDGE_AUTH_ISSUER, EDGE_AUTH_AUDIENCE) set, the gateway also
// enforces the hub's @authenticated / @requiresScopes at the edge (edge.mjs).
//
// Prints one JSON line {"gateway": URL, "court": URL} when ready; exits when stdin closes.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import httpTransport from "@graphql-mesh/transport-http";
import { COURT_SDL, courtHandler } from "./court.mjs";
import { edgeAuth } from "./edge.mjs";

const [hubSdlFile, hubUrl] = process.argv.slice(2);
if (!hubSdlFile || !hubUrl) {
  console.error("usage: node stack.mjs HUB_SDL_FILE HUB_URL");
  process.exit(2);
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

// The headers the court received, for the test to check that the hub's caller's credentials
// never reach a third party's subgraph (GET /seen-headers on the court's port).
const seenHeaders = [];
const court = createServer((req, res) => {
  if (req.url?.startsWith("/graphql")) {
    seenHeaders.push(Object.keys(req.headers).sort());
    return courtHandler(req, res);
  }
  if (req.url === "/seen-headers") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(seenHeaders));
  }
  res.writeHead(404).end();
});
const courtUrl = `http://127.0.0.1:${await listen(court)}/graphql`;

const composed = composeServices([
  { name: "hub", url: hubUrl, typeDefs: parse(readFileSync(hubSdlFile, "utf8")) },
  { name: "court", url: courtUrl, typeDefs: parse(COURT_SDL) },
]);
if (compositionHasErrors(composed)) {
  for (const error of composed.errors) console.error(`composition: ${error.message}`);
  process.exit(1);
}

// Only what the hub decides on: the bearer token and the declared purpose.
const FORWARDED = ["authorization", "x-purpose"];

const gateway = createGatewayRuntime({
  supergraph: composed.supergraphSdl,
  transports: { http: httpTransport },
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      if (subgraphName !== "hub") return {};
      const headers = {};
      for (const name of FORWARDED) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
  ...(process.env.EDGE_AUTH_PUBLIC_KEY
    ? {
        genericAuth: edgeAuth(
          process.env.EDGE_AUTH_PUBLIC_KEY,
          process.env.EDGE_AUTH_ISSUER,
          process.env.EDGE_AUTH_AUDIENCE,
        ),
      }
    : {}),
  landingPage: false,
  graphiql: false,
  logging: process.env.GATEWAY_LOG_LEVEL ?? "error",
});
const gatewayServer = createServer(gateway);
const gatewayUrl = `http://127.0.0.1:${await listen(gatewayServer)}/graphql`;

process.stdout.write(JSON.stringify({ gateway: gatewayUrl, court: courtUrl }) + "\n");

async function shutdown() {
  gatewayServer.close();
  court.close();
  await gateway.dispose?.();
  process.exit(0);
}
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);

// The court subgraph fixture, served over HTTP with graphql-http (no federation library: the
// subgraph protocol is two fields, `_service { sdl }` and `_entities`, written out here).
import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";
import { createHandler } from "graphql-http/lib/use/http";

export const COURT_SDL = readFileSync(new URL("./court.graphql", import.meta.url), "utf8");

// Enforcement cases on file (fixture data; USCCs of tests/data/small_city.jsonl).
export const CASES = [
  {
    caseNumber: "(2023)京0105执1234号",
    court: "北京市朝阳区人民法院",
    basisDocument: "(2022)京0105民初5678号",
    obligation: "支付货款人民币120万元及利息",
    performance: "NOT_PERFORMED",
    filedOn: "2023-03-15",
    uscc: "91110000600037341L",
  },
  {
    caseNumber: "(2024)京0105执88号",
    court: "北京市朝阳区人民法院",
    basisDocument: "(2023)京0105民初901号",
    obligation: "返还租赁场地",
    performance: "PARTLY_PERFORMED",
    filedOn: "2024-01-09",
    uscc: "91110000600037341L",
  },
  {
    caseNumber: "(2024)沪0115执2020号",
    court: "上海市浦东新区人民法院",
    basisDocument: "(2023)沪0115民初77号",
    obligation: "支付工程款人民币35万元",
    performance: "PERFORMED",
    filedOn: "2024-06-30",
    uscc: "91310000MA1FL5KX2T",
  },
];

const RUNTIME_SDL = `
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @link(url: String!, import: [String]) repeatable on SCHEMA
scalar _Any
union _Entity = Enterprise
type _Service { sdl: String! }
${COURT_SDL.replace(/^extend schema .*$/m, "").replace(
  "type Query {",
  "type Query {\n  _service: _Service!\n  _entities(representations: [_Any!]!): [_Entity]!",
)}`;

const schema = buildSchema(RUNTIME_SDL);

function enterprise(uscc) {
  return {
    __typename: "Enterprise",
    uscc,
    enforcementCases: () => CASES.filter((c) => c.uscc === uscc).map(asCase),
  };
}

function asCase(c) {
  return { ...c, subject: () => enterprise(c.uscc) };
}

const rootValue = {
  _service: () => ({ sdl: COURT_SDL }),
  _entities: ({ representations }) =>
    representations.map((r) =>
      r.__typename === "Enterprise" && typeof r.uscc === "string" ? enterprise(r.uscc) : null,
    ),
  enforcementCases: ({ court }) =>
    CASES.filter((c) => c.court === court)
      .sort((a, b) => b.filedOn.localeCompare(a.filedOn))
      .map(asCase),
};

export const courtHandler = createHandler({ schema, rootValue });

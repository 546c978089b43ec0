"""The Cypher behind ``exposure`` (DESIGN.md "Propagation"): ONE bounded round trip.

From the subject (``$uscc`` or ``$bidx``) the query walks ``HOLDS_ROLE`` and ``HOLDS_SHARES``
in either direction, up to ``$depth`` hops (1..3), and returns every entry in force or under
objection (never exited nor lapsed) on the subject itself (0 hops) or on a node it reaches,
each with the walk that leads to it (relationships with their kinds and dates).

Bounds, so a "super node" (a nominee director with thousands of roles) can not blow the query
up: each node is expanded at most ``$fanout`` times, and each level keeps at most ``$max_walks``
walks. ``capped`` says whether a bound cut anything off. What is kept is decided, never
arbitrary: relationships (and walks) that end on a node with an entry in force or under
objection first, then current ones (no end date), then the most recent (by end date, else start
date), then by the far node's key, kind and start date. Entries are matched without the
``:ListEntry`` label (``'ListEntry' IN labels(l)``) so the planner expands from the walked
node instead of starting from the ``ListEntry(status)`` index (see ``graph.checks``).
"""

from __future__ import annotations

# One hop from the walk so far, its relationships ordered as the module docstring says (a node
# with an entry in force or under objection first, then current, then the most recent, then by
# key) and cut at ``$fanout``; from the second hop on, the walks of a level cut at ``$max_walks``.
_HOP_1 = """
  MATCH (s0)-[r1:HOLDS_ROLE|HOLDS_SHARES]-(n1)
  WITH s0, r1, n1, EXISTS { MATCH (n1)<-[:CONCERNS]-(l) WHERE 'ListEntry' IN labels(l)
                 AND l.status IN ['ACTIVE', 'OBJECTED']
                 AND (l.valid_until IS NULL OR l.valid_until >= $today) } AS listed1
  ORDER BY listed1 DESC, r1.to IS NULL DESC, coalesce(r1.to, r1.from, date('0001-01-01')) DESC,
           coalesce(n1.uscc, n1.id), type(r1), r1.kind, r1.from
  LIMIT $fanout
"""
_HOP_2 = """
  CALL (s0, n1) {
    MATCH (n1)-[r2:HOLDS_ROLE|HOLDS_SHARES]-(n2) WHERE n2 <> s0
    WITH r2, n2, EXISTS { MATCH (n2)<-[:CONCERNS]-(l) WHERE 'ListEntry' IN labels(l)
                 AND l.status IN ['ACTIVE', 'OBJECTED']
                 AND (l.valid_until IS NULL OR l.valid_until >= $today) } AS listed2
    RETURN r2, n2, listed2
    ORDER BY listed2 DESC, r2.to IS NULL DESC, coalesce(r2.to, r2.from, date('0001-01-01')) DESC,
             coalesce(n2.uscc, n2.id), type(r2), r2.kind, r2.from
    LIMIT $fanout
  }
  WITH s0, r1, n1, listed1, r2, n2, listed2
  ORDER BY listed2 DESC, r2.to IS NULL DESC, coalesce(r2.to, r2.from, date('0001-01-01')) DESC,
           listed1 DESC, r1.to IS NULL DESC, coalesce(r1.to, r1.from, date('0001-01-01')) DESC,
           coalesce(n1.uscc, n1.id), type(r1), r1.kind, r1.from,
           coalesce(n2.uscc, n2.id), type(r2), r2.kind, r2.from
  LIMIT $max_walks
"""
_HOP_3 = """
  CALL (s0, n1, n2) {
    MATCH (n2)-[r3:HOLDS_ROLE|HOLDS_SHARES]-(n3) WHERE n3 <> s0 AND n3 <> n1
    WITH r3, n3, EXISTS { MATCH (n3)<-[:CONCERNS]-(l) WHERE 'ListEntry' IN labels(l)
                 AND l.status IN ['ACTIVE', 'OBJECTED']
                 AND (l.valid_until IS NULL OR l.valid_until >= $today) } AS listed3
    RETURN r3, n3, listed3
    ORDER BY listed3 DESC, r3.to IS NULL DESC, coalesce(r3.to, r3.from, date('0001-01-01')) DESC,
             coalesce(n3.uscc, n3.id), type(r3), r3.kind, r3.from
    LIMIT $fanout
  }
  WITH s0, r1, n1, r2, n2, listed2, r3, n3, listed3
  ORDER BY listed3 DESC, r3.to IS NULL DESC, coalesce(r3.to, r3.from, date('0001-01-01')) DESC,
           listed2 DESC, r2.to IS NULL DESC, coalesce(r2.to, r2.from, date('0001-01-01')) DESC,
           coalesce(n1.uscc, n1.id), type(r1), r1.kind, r1.from,
           coalesce(n2.uscc, n2.id), type(r2), r2.kind, r2.from,
           coalesce(n3.uscc, n3.id), type(r3), r3.kind, r3.from
  LIMIT $max_walks
"""

EXPOSURE = (
    """
OPTIONAL MATCH (e:Enterprise {uscc: $uscc})
OPTIONAL MATCH (p:Person {id_number_bidx: $bidx})
WITH coalesce(e, p) AS s0
WHERE s0 IS NOT NULL
CALL (s0) {
  RETURN [] AS rels, [s0] AS nodes, COUNT { (s0)-[:HOLDS_ROLE|HOLDS_SHARES]-() } AS degree
  UNION ALL
"""
    + _HOP_1
    + """
  RETURN [r1] AS rels, [s0, n1] AS nodes,
         COUNT { (n1)-[:HOLDS_ROLE|HOLDS_SHARES]-() } AS degree
  UNION ALL
  WITH s0 WHERE $depth >= 2
"""
    + _HOP_1
    + _HOP_2
    + """
  RETURN [r1, r2] AS rels, [s0, n1, n2] AS nodes,
         COUNT { (n2)-[:HOLDS_ROLE|HOLDS_SHARES]-() } AS degree
  UNION ALL
  WITH s0 WHERE $depth >= 3
"""
    + _HOP_1
    + _HOP_2
    + _HOP_3
    + """
  RETURN [r1, r2, r3] AS rels, [s0, n1, n2, n3] AS nodes, 0 AS degree
}
WITH s0, collect({rels: rels, nodes: nodes, degree: degree}) AS walks
WITH s0, walks,
     any(w IN walks WHERE size(w.rels) < $depth AND w.degree > $fanout)
     OR size([w IN walks WHERE size(w.rels) = 2]) >= $max_walks
     OR size([w IN walks WHERE size(w.rels) = 3]) >= $max_walks AS capped
UNWIND walks AS w
WITH s0, capped, w, w.nodes[size(w.nodes) - 1] AS t
OPTIONAL MATCH (t)<-[:CONCERNS]-(l)
WHERE 'ListEntry' IN labels(l) AND l.status IN ['ACTIVE', 'OBJECTED']
  AND (l.valid_until IS NULL OR l.valid_until >= $today)
WITH s0, capped, w, l, coalesce(l.act_date, l.identified_on) AS act_on, last(w.rels) AS r
RETURN CASE WHEN s0:Person THEN 'Person' ELSE 'Enterprise' END AS label,
       coalesce(s0.uscc, s0.id) AS key, capped,
       collect(CASE WHEN l IS NULL THEN null ELSE {
         hops: size(w.rels),
         entry: l {.id, .list, .status, .domain, identified_on: toString(l.identified_on),
                   act_date: toString(l.act_date), valid_until: toString(l.valid_until)},
         nodes: [n IN w.nodes | {label: CASE WHEN n:Person THEN 'Person' ELSE 'Enterprise' END,
                                 key: coalesce(n.uscc, n.id)}],
         steps: [k IN range(0, size(w.rels) - 1) | {
                   kind: CASE type(w.rels[k]) WHEN 'HOLDS_SHARES' THEN 'SHAREHOLDER'
                         ELSE w.rels[k].kind END,
                   percent: w.rels[k].percent,
                   from: toString(w.rels[k].from), to: toString(w.rels[k].to),
                   forward: startNode(w.rels[k]) = w.nodes[k]}],
         held_on_act_date: CASE WHEN r IS NULL THEN null
                           ELSE coalesce(r.from <= act_on, true)
                                AND (r.to IS NULL OR r.to >= act_on) END
       } END) AS items
"""
)

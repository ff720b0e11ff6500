// name: data_version
// description: >
//   How many nodes and relationships the graph holds, one row each: on Neo4j the app keys its caches on
//   it (with the store's location and the ingest marker's generation), so a reloaded graph is never shown
//   from a stale cache. Two plain counts joined by UNION ALL, so Neo4j answers both from its count store
//   (an OPTIONAL MATCH of the relationships scanned every one of them, and so does a literal in the
//   counting RETURN: the count is made in a WITH first).
// columns:
//   counted: nodes or relationships
//   number: how many the graph holds
// order_by: [counted]
MATCH (n)
WITH count(n) AS number
RETURN 'nodes' AS counted, number
UNION ALL
MATCH ()-[r]->()
WITH count(r) AS number
RETURN 'relationships' AS counted, number

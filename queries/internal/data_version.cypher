// name: data_version
// description: >
//   How many nodes and relationships the graph holds: the app keys its caches on it (with the store's
//   location), so a reloaded graph is never shown from a stale cache.
// columns:
//   nodes: nodes in the graph
//   relationships: relationships in the graph
MATCH (n)
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN nodes, count(r) AS relationships

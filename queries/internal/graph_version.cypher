// name: graph_version
// description: >
//   What identifies the graph's content for a cache kept in one process (graph/analysis/subgraph.py):
//   the ingested files (their Source ids carry the sha256) and the node and relationship counts.
// columns:
//   files: ids of the ingested files' Source nodes
//   nodes: nodes in the graph
//   relationships: relationships in the graph
// sort_lists: [files]
OPTIONAL MATCH (s:Source)
WHERE s.kind = 'file'
WITH collect(s.id) AS files
MATCH (n)
WITH files, count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN files, nodes, count(r) AS relationships

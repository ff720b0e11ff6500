// name: ingested_files
// description: The file names the graph was loaded from, for the rebuild hint (ingest/pipeline.py).
// columns:
//   path: file name as ingested
// order_by: [path]
MATCH (s:Source)
WHERE s.kind = 'file' AND s.path IS NOT NULL
RETURN DISTINCT s.path AS path

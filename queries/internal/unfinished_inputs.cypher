// name: unfinished_inputs
// description: Files whose ingest stopped before its end after writing part of their rows (killed, or failed after a committed part), as their file Source still says pending (ingest/pipeline.py). Re-running the same ingest completes them.
// columns:
//   path: the file's name as ingested
//   sha256: its content hash
// order_by: [path, sha256]
MATCH (s:Source)
WHERE s.kind = 'file' AND s.loaded_with STARTS WITH 'pending '
RETURN s.path AS path, s.sha256 AS sha256

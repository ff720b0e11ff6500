// name: completed_inputs
// description: Inputs whose load completed, with the fingerprint of input and settings, so that a re-ingest of an unchanged input skips it (ingest/pipeline.py).
// columns:
//   loaded_with: sha256 of the input and of the settings it was loaded with
//   records: records the input held
//   rejected: records of it rejected
// order_by: [loaded_with]
MATCH (s:Source)
WHERE s.kind = 'file' AND s.loaded_with IS NOT NULL AND NOT s.loaded_with STARTS WITH 'pending '
RETURN DISTINCT s.loaded_with AS loaded_with, s.input_records AS records, s.input_rejected AS rejected

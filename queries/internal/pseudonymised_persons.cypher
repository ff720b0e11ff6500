// name: pseudonymised_persons
// description: Every pseudonymised person's id and shown name, to spot old unkeyed pseudonyms before an ingest (ingest/pipeline.py).
// columns:
//   id: person id
//   name: the pseudonym shown
// order_by: [id]
MATCH (p:Person)
WHERE p.pseudonymised = true
RETURN p.id AS id, p.name AS name

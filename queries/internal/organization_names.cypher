// name: organization_names
// description: Every organisation's name and kind, for the citizenlab gazetteer (ingest/external/citizenlab.py).
// columns:
//   id: organisation id
//   name: its name
//   kind: state_agency, ngo, court...
//   country: ISO2 of the state it belongs to, if any
// order_by: [id]
MATCH (o:Organization)
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.country AS country

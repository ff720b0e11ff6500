// name: country_keys
// description: Every country's ISO2 code, for the citizenlab gazetteer (ingest/external/citizenlab.py).
// columns:
//   iso2: ISO 3166-1 alpha-2 code
// order_by: [iso2]
MATCH (c:Country)
RETURN c.iso2 AS iso2

// name: incident_physical
// description: Whether each incident was physical, for the complicity score (graph/analysis/complicity.py).
// columns:
//   incident: incident id
//   physical: Freedom House's physical-incident test
// order_by: [incident]
MATCH (i:Incident)
RETURN i.id AS incident, i.physical AS physical

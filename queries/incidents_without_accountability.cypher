// name: incidents_without_accountability
// description: >
//   The incidents with no accountability action of the given kinds (no AccountabilityAction CONCERNS
//   the incident), with origin, host, tactics and the host state's response, oldest first (by the date as given).
// parameters:
//   kinds: {type: list, default: [prosecution, conviction, sanction, export_control, lawsuit, un_naming, expulsion, inquiry], description: "action kinds that count as accountability (comma-separated)"}
//   origin: {type: string, picks: Country, default: '', description: "ISO2 of one origin state ('' for all)"}
// columns:
//   incident: incident id
//   date: date as given
//   year: year
//   origin: ISO2 of the origin state (empty if unknown)
//   host: ISO2 of the host state
//   tactics: tactic codes
//   host_response: the host state's documented response (empty if none)
//   summary: summary
// order_by: [date, incident]
// sort_lists: [tactics]
// nodes: {incident: Incident, origin: Country, host: Country, tactics: Tactic}
MATCH (i:Incident)-[:OCCURRED_IN]->(h:Country)
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
WITH i, h, o
WHERE $origin = '' OR o.iso2 = $origin
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(i)
WHERE a.kind IN $kinds
WITH i, h, o, count(a) AS actions
WHERE actions = 0
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
OPTIONAL MATCH (h)-[r:RESPONDED_TO]->(i)
RETURN i.id AS incident, i.date AS date, i.year AS year, o.iso2 AS origin, h.iso2 AS host,
       collect(DISTINCT t.code) AS tactics, min(r.response) AS host_response, i.summary AS summary

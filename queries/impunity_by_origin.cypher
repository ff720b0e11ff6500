// name: impunity_by_origin
// description: >
//   Impunity by origin state (incidents with no known origin are grouped under an empty origin): the incidents with no accountability action (no AccountabilityAction of the
//   given kinds CONCERNS the incident) and their share of all incidents.
// parameters:
//   kinds: {type: list, default: [prosecution, conviction, sanction, export_control, lawsuit, un_naming, expulsion, inquiry], description: "action kinds that count as accountability (comma-separated)"}
// columns:
//   origin: ISO2 code of the origin state
//   origin_name: name of the origin state
//   incidents: incidents counted
//   without_action: incidents with no accountability action of the given kinds
//   share_without: without_action / incidents (0 to 1)
// order_by: [-without_action, origin]
// nodes: {origin: Country}
MATCH (i:Incident)
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(i)
WHERE a.kind IN $kinds
WITH o.iso2 AS origin_code, o.name AS origin_label, i.id AS incident, count(a) AS actions
RETURN origin_code AS origin, origin_label AS origin_name, count(incident) AS incidents,
       sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) AS without_action,
       1.0 * sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) / count(incident) AS share_without

// name: impunity_by_host
// description: >
//   Impunity by host state: the incidents with no accountability action (no AccountabilityAction of the
//   given kinds CONCERNS the incident) and their share of all incidents.
// parameters:
//   kinds: {type: list, default: [prosecution, conviction, sanction, export_control, lawsuit, un_naming, expulsion, inquiry], description: "action kinds that count as accountability (comma-separated)"}
// columns:
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   incidents: incidents counted
//   without_action: incidents with no accountability action of the given kinds
//   share_without: without_action / incidents (0 to 1)
// order_by: [-without_action, host]
// nodes: {host: Country}
MATCH (i:Incident)-[:OCCURRED_IN]->(h:Country)
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(i)
WHERE a.kind IN $kinds
WITH h.iso2 AS host_code, h.name AS host_label, i.id AS incident, count(a) AS actions
RETURN host_code AS host, host_label AS host_name, count(incident) AS incidents,
       sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) AS without_action,
       1.0 * sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) / count(incident) AS share_without

// name: impunity_by_year
// description: >
//   Impunity by year of the incident (undated incidents under year 0): the incidents with no accountability action (no AccountabilityAction of the
//   given kinds CONCERNS the incident) and their share of all incidents.
// parameters:
//   kinds: {type: list, default: [prosecution, conviction, sanction, export_control, lawsuit, un_naming, expulsion, inquiry], description: "action kinds that count as accountability (comma-separated)"}
// columns:
//   year: year of the incident (0 when undated)
//   physical_incidents: incidents with a physical tactic that year
//   incidents: incidents counted
//   without_action: incidents with no accountability action of the given kinds
//   share_without: without_action / incidents (0 to 1)
// order_by: [year]
MATCH (i:Incident)
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(i)
WHERE a.kind IN $kinds
WITH coalesce(i.year, 0) AS incident_year, i.id AS incident, i.physical AS phys, count(a) AS actions
RETURN incident_year AS year, count(DISTINCT CASE WHEN phys THEN incident END) AS physical_incidents,
       count(incident) AS incidents,
       sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) AS without_action,
       1.0 * sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) / count(incident) AS share_without

// name: impunity_by_tactic
// description: >
//   Impunity by tactic (an incident counts once under each tactic it used): the incidents with no accountability action (no AccountabilityAction of the
//   given kinds CONCERNS the incident) and their share of all incidents.
// parameters:
//   kinds: {type: list, default: [prosecution, conviction, sanction, export_control, lawsuit, un_naming, expulsion, inquiry], description: "action kinds that count as accountability (comma-separated)"}
// columns:
//   tactic: tactic code
//   tactic_label: tactic label
//   incidents: incidents counted
//   without_action: incidents with no accountability action of the given kinds
//   share_without: without_action / incidents (0 to 1)
// order_by: [-without_action, tactic]
// nodes: {tactic: Tactic}
MATCH (i:Incident)-[:USED_TACTIC]->(t:Tactic)
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(i)
WHERE a.kind IN $kinds
WITH t.code AS tactic_code, t.label AS label_text, i.id AS incident, count(a) AS actions
RETURN tactic_code AS tactic, label_text AS tactic_label, count(incident) AS incidents,
       sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) AS without_action,
       1.0 * sum(CASE WHEN actions = 0 THEN 1 ELSE 0 END) / count(incident) AS share_without

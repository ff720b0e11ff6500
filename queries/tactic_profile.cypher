// name: tactic_profile
// description: >
//   The tactic profile of an origin state: for each tactic it used, the number of incidents (an
//   incident counts under each of its tactics), their share of the state's incidents, the host states
//   and the first and last year. Incidents inside the state itself count too.
// parameters:
//   origin: {type: string, picks: Country, default: CN, description: ISO2 code of the origin (perpetrator) state}
// columns:
//   tactic: tactic code
//   tactic_label: tactic label
//   physical: whether the tactic is physical (Freedom House's test)
//   incidents: incidents that used the tactic
//   share: incidents / all incidents of the state (0 to 1)
//   hosts: host states of those incidents
//   first_year: earliest year
//   last_year: latest year
// order_by: [-incidents, tactic]
// sort_lists: [hosts]
// nodes: {tactic: Tactic, hosts: Country}
MATCH (every:Incident)-[:PERPETRATED_BY]->(:Country {iso2: $origin})
WITH count(DISTINCT every.id) AS total
MATCH (i:Incident)-[:PERPETRATED_BY]->(:Country {iso2: $origin})
MATCH (i)-[:USED_TACTIC]->(t:Tactic)
OPTIONAL MATCH (i)-[:OCCURRED_IN]->(h:Country)
WITH t, total, count(DISTINCT i.id) AS incidents, collect(DISTINCT h.iso2) AS hosts,
     min(i.year) AS first_year, max(i.year) AS last_year
RETURN t.code AS tactic, t.label AS tactic_label, t.physical AS physical, incidents,
       1.0 * incidents / total AS share, hosts, first_year, last_year

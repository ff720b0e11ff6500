// name: reach_incidents
// description: >
//   The cross-border incidents behind the flow table, one row per incident and origin state, with the
//   same filters as origin_host_flows (a span of years, a tactic, the attribution, one origin state, one
//   host state): what the Reach page's charts per year, per tactic and per host state count, each
//   incident with its page. Incidents inside the origin state itself and incidents with no known origin
//   are left out, as in the flows.
// parameters:
//   year_from: {type: int, default: 0, description: first year to count (0 for no lower bound; undated incidents count only with no span)}
//   year_to: {type: int, default: 9999, description: last year to count}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the origin state on documented evidence; any: suspected ones too"}
//   tactic: {type: string, default: '', description: "a tactic code (spyware, abduction...): only incidents that used it ('' for every tactic)"}
//   origin: {type: string, picks: Country, default: '', description: "ISO2 code of one origin state ('' for all): its reach abroad"}
//   host: {type: string, picks: Country, default: '', description: "ISO2 code of one host state ('' for all): what other states did on its soil"}
// columns:
//   incident: incident id
//   year: year of the incident (empty when undated)
//   origin: ISO2 code of the origin (perpetrator) state
//   origin_name: name of the origin state
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   attribution: documented, or suspected (an attribution not stated counts as suspected)
//   physical: whether the incident used a physical tactic (Freedom House's count)
//   tactics: tactic codes the incident used
// order_by: [year, incident, origin, host]
// sort_lists: [tactics]
// nodes: {incident: Incident, origin: Country, host: Country, tactics: Tactic}
MATCH (i:Incident)-[p:PERPETRATED_BY]->(o:Country)
WHERE ($attribution = 'any' OR p.attribution = 'documented') AND ($origin = '' OR o.iso2 = $origin)
OPTIONAL MATCH (i)-[:USED_TACTIC]->(ft:Tactic {code: $tactic})
WITH i, p, o, ft
WHERE $tactic = '' OR ft IS NOT NULL
MATCH (i)-[:OCCURRED_IN]->(h:Country)
WHERE h.iso2 <> o.iso2 AND ($host = '' OR h.iso2 = $host)
  AND ((i.year IS NULL AND $year_from = 0 AND $year_to = 9999)
       OR (i.year >= $year_from AND i.year <= $year_to))
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH i, o, h, CASE WHEN p.attribution = 'documented' THEN 'documented' ELSE 'suspected' END AS attribution,
     collect(DISTINCT t.code) AS tactics
RETURN i.id AS incident, i.year AS year, o.iso2 AS origin, o.name AS origin_name, h.iso2 AS host,
       h.name AS host_name, attribution, coalesce(i.physical, false) AS physical, tactics

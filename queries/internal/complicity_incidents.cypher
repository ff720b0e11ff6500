// name: complicity_incidents
// description: >
//   Every incident attributed to a state (one state, or all), with what the complicity score's
//   time-and-tactic rule reads (year, tactics) and what the score counts (attribution, physical, the
//   agencies it is attributed to), for graph/analysis/complicity.py. One row per incident and state.
// parameters:
//   state: {type: string, default: '', description: ISO2 code of the perpetrator state ('' for all)}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the state on documented evidence"}
// columns:
//   incident: incident id
//   state: ISO2 of the perpetrator state
//   year: incident year
//   attribution: documented or suspected
//   physical: Freedom House's physical-incident test
//   tactics: "the incident's tactic codes (in no set order, nor are agencies and incident_sources: the score reads them, nobody sees them)"
//   agencies: ids of the organisations the incident is attributed to
//   incident_sources: web sources of the attribution to the state
MATCH (i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE ($state = '' OR s.iso2 = $state) AND ($attribution = 'any' OR p.attribution = 'documented')
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH i, p, s, collect(DISTINCT t.code) AS tactics
OPTIONAL MATCH (i)-[:ATTRIBUTED_TO]->(a:Organization)
RETURN i.id AS incident, s.iso2 AS state, i.year AS year, p.attribution AS attribution, i.physical AS physical,
       tactics, collect(DISTINCT a.id) AS agencies, p.source_urls AS incident_sources

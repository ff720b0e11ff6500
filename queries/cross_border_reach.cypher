// name: cross_border_reach
// description: >
//   Where an origin state reaches across its borders: each host state where the origin state's
//   incidents happened, with the number of incidents (and how many of them are attributed to the
//   origin state on documented evidence or only suspected), the tactics used and the first and last
//   year. Incidents inside the origin state itself are left out. With attribution=documented only
//   incidents whose attribution is documented count; a span of years and a tactic narrow the incidents
//   counted (undated incidents count only when no span is given).
// parameters:
//   origin: {type: string, picks: Country, default: RW, description: ISO 3166-1 alpha-2 code of the origin (perpetrator) state}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the origin state on documented evidence; any: suspected ones too"}
//   year_from: {type: int, default: 0, description: first year to count (0 for no lower bound; undated incidents count only with no span)}
//   year_to: {type: int, default: 9999, description: last year to count}
//   tactic: {type: string, default: '', description: "a tactic code (spyware, abduction...): only incidents that used it ('' for every tactic)"}
// columns:
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   incidents: number of incidents there
//   documented: of these, incidents whose attribution to the origin state is documented
//   suspected: of these, incidents whose attribution is only suspected (or not stated)
//   physical_incidents: incidents with a physical tactic (Freedom House's count)
//   tactics: tactic codes used there (every tactic of the incidents counted, not only the one filtered on)
//   first_year: year of the earliest dated incident
//   last_year: year of the latest dated incident
// order_by: [-incidents, host]
// sort_lists: [tactics]
// nodes: {host: Country, tactics: Tactic}
MATCH (i:Incident)-[p:PERPETRATED_BY]->(o:Country {iso2: $origin})
WHERE ($attribution = 'any' OR p.attribution = 'documented')
  AND ((i.year IS NULL AND $year_from = 0 AND $year_to = 9999) OR (i.year >= $year_from AND i.year <= $year_to))
OPTIONAL MATCH (i)-[:USED_TACTIC]->(ft:Tactic {code: $tactic})
WITH i, p, o, ft
WHERE $tactic = '' OR ft IS NOT NULL
MATCH (i)-[:OCCURRED_IN]->(h:Country)
WHERE h.iso2 <> o.iso2
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH h,
     count(DISTINCT i.id) AS incidents,
     count(DISTINCT CASE WHEN p.attribution = 'documented' THEN i.id END) AS documented,
     count(DISTINCT CASE WHEN p.attribution IS NULL OR p.attribution <> 'documented' THEN i.id END) AS suspected,
     count(DISTINCT CASE WHEN i.physical THEN i.id END) AS physical_incidents,
     collect(DISTINCT t.code) AS tactics,
     min(i.year) AS first_year,
     max(i.year) AS last_year
RETURN h.iso2 AS host, h.name AS host_name, incidents, documented, suspected, physical_incidents, tactics,
       first_year, last_year
ORDER BY incidents DESC, host

// name: origin_host_flows
// description: >
//   The global flow table of transnational repression, one row per origin state and host state
//   (the dyad researchers count), for maps: incidents (documented and suspected attribution to the
//   origin state), physical incidents, first and last year. Incidents inside the origin state itself
//   and incidents with no known origin are left out. With attribution=documented only incidents whose
//   attribution is documented count; tactic keeps incidents that used that tactic; origin and host keep
//   one state's reach abroad or what happens on one state's soil (the Reach map draws this table).
// parameters:
//   year_from: {type: int, default: 0, description: first year to count (0 for no lower bound; undated incidents count only with no span)}
//   year_to: {type: int, default: 9999, description: last year to count}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the origin state on documented evidence; any: suspected ones too"}
//   tactic: {type: string, default: '', description: "a tactic code (spyware, abduction...): only incidents that used it ('' for every tactic)"}
//   origin: {type: string, picks: Country, default: '', description: "ISO2 code of one origin state ('' for all): its reach abroad"}
//   host: {type: string, picks: Country, default: '', description: "ISO2 code of one host state ('' for all): what other states did on its soil"}
// columns:
//   origin: ISO2 code of the origin (perpetrator) state
//   origin_name: name of the origin state
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   host_region: UN M49 sub-region of the host state
//   incidents: number of incidents from origin in host
//   documented: of these, incidents whose attribution to the origin state is documented
//   suspected: of these, incidents whose attribution is only suspected (or not stated)
//   physical_incidents: incidents with a physical tactic (Freedom House's count)
//   first_year: year of the earliest dated incident
//   last_year: year of the latest dated incident
// order_by: [-incidents, origin, host]
// nodes: {origin: Country, host: Country}
MATCH (i:Incident)-[p:PERPETRATED_BY]->(o:Country)
WHERE ($attribution = 'any' OR p.attribution = 'documented') AND ($origin = '' OR o.iso2 = $origin)
OPTIONAL MATCH (i)-[:USED_TACTIC]->(ft:Tactic {code: $tactic})
WITH i, p, o, ft
WHERE $tactic = '' OR ft IS NOT NULL
MATCH (i)-[:OCCURRED_IN]->(h:Country)
WHERE h.iso2 <> o.iso2 AND ($host = '' OR h.iso2 = $host)
  AND ((i.year IS NULL AND $year_from = 0 AND $year_to = 9999)
       OR (i.year >= $year_from AND i.year <= $year_to))
WITH o, h,
     count(DISTINCT i.id) AS incidents,
     count(DISTINCT CASE WHEN p.attribution = 'documented' THEN i.id END) AS documented,
     count(DISTINCT CASE WHEN p.attribution IS NULL OR p.attribution <> 'documented' THEN i.id END) AS suspected,
     count(DISTINCT CASE WHEN i.physical THEN i.id END) AS physical_incidents,
     min(i.year) AS first_year,
     max(i.year) AS last_year
RETURN o.iso2 AS origin, o.name AS origin_name, h.iso2 AS host, h.name AS host_name, h.region AS host_region,
       incidents, documented, suspected, physical_incidents, first_year, last_year

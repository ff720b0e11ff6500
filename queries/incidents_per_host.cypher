// name: incidents_per_host
// description: >
//   Incidents per host state (where the act happened), with the origin states active there, how many
//   were physical, and how the host state responded. Optionally limited to a span of years
//   (undated incidents count only when no span is given).
// parameters:
//   year_from: {type: int, default: 0, description: first year to count (0 for no lower bound)}
//   year_to: {type: int, default: 9999, description: last year to count}
// columns:
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   incidents: number of incidents there
//   physical_incidents: incidents with a physical tactic
//   origins: ISO2 codes of the origin states behind them
//   responses: the host state's documented responses (cooperated, failed_to_protect, protected, prosecuted, expelled_diplomats)
// order_by: [-incidents, host]
// sort_lists: [origins, responses]
// nodes: {host: Country, origins: Country}
MATCH (i:Incident)-[:OCCURRED_IN]->(h:Country)
WHERE (i.year IS NULL AND $year_from = 0 AND $year_to = 9999)
   OR (i.year >= $year_from AND i.year <= $year_to)
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
OPTIONAL MATCH (h)-[r:RESPONDED_TO]->(i)
WITH h,
     count(DISTINCT i.id) AS incidents,
     count(DISTINCT CASE WHEN i.physical THEN i.id END) AS physical_incidents,
     collect(DISTINCT o.iso2) AS origins,
     collect(DISTINCT r.response) AS responses
RETURN h.iso2 AS host, h.name AS host_name, incidents, physical_incidents, origins, responses
ORDER BY incidents DESC, host

// name: un_naming_by_state
// description: >
//   Transnational repression incidents and UN naming per origin state over a window of years, side by
//   side. What is compared: the incidents of this graph (by incident year) and the UN Secretary-General's
//   annual reprisals reports (AccountabilityAction un_naming, by report year), which name states for
//   intimidation and reprisals against people who cooperate with the UN. A naming does not answer for an
//   incident; the comparison only shows which states with documented incidents in the window the UN named
//   at all in the same window (reprisals are often reported a year or more after they happened).
// parameters:
//   year_from: {type: int, default: 0, description: first year of the window (incident years and report years)}
//   year_to: {type: int, default: 9999, description: last year of the window}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the state on documented evidence; any: suspected ones too"}
// columns:
//   state: ISO2 code of the origin state
//   state_name: name of the origin state
//   incidents: incidents by the state with an incident year in the window
//   documented: of these, incidents whose attribution is documented
//   first_year: earliest incident year in the window
//   last_year: latest incident year in the window
//   un_namings: UN reprisals-report namings of the state with a report year in the window
//   named_in_years: report years of those namings
//   named_in_window: whether the UN named the state at least once in the window
// order_by: [state]
// sort_lists: [named_in_years]
// nodes: {state: Country}
MATCH (i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE i.year IS NOT NULL AND i.year >= $year_from AND i.year <= $year_to
WITH s, i, p
WHERE $attribution = 'any' OR p.attribution = 'documented'
WITH s, count(DISTINCT i.id) AS incidents,
     count(DISTINCT CASE WHEN p.attribution = 'documented' THEN i.id END) AS documented,
     min(i.year) AS first_year, max(i.year) AS last_year
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(s)
WHERE a.kind = 'un_naming' AND a.year IS NOT NULL AND a.year >= $year_from AND a.year <= $year_to
WITH s, incidents, documented, first_year, last_year, count(DISTINCT a.id) AS un_namings,
     collect(DISTINCT a.year) AS named_in_years
RETURN s.iso2 AS state, s.name AS state_name, incidents, documented, first_year, last_year, un_namings,
       named_in_years, un_namings > 0 AS named_in_window

// name: un_naming_gap
// description: >
//   The UN naming gap, year by year: origin states with incidents in a year but no UN naming action (an
//   AccountabilityAction of kind un_naming) concerning the state with that report year. What is
//   compared: the incident year of this graph's incidents and the year of the UN Secretary-General's
//   annual reprisals report, which names states for reprisals against people who cooperate with the UN
//   (a different subject from transnational repression; a naming does not answer for an incident, and
//   reprisals are often reported a year or more later). So a "gap" says only that the report of that
//   year did not name the state; un_naming_by_state compares over a window of years. Naming actions with
//   an unknown year never close a gap; they are listed in named_in_years only when dated. With only_gaps
//   false, every state-year is returned.
// parameters:
//   year_from: {type: int, default: 0, description: first incident year}
//   year_to: {type: int, default: 9999, description: last incident year}
//   only_gaps: {type: bool, default: true, description: return only state-years with no UN naming}
// columns:
//   state: ISO2 code of the origin state
//   state_name: name of the origin state
//   year: year of the incidents
//   incidents: incidents by the state that year
//   documented: of these, incidents whose attribution is documented (not only suspected)
//   incident_ids: their ids
//   named_that_year: UN reprisals-report namings of the state whose report year is this incident year
//   named_in_years: the report years in which the UN named the state at all
// order_by: [state, year]
// sort_lists: [incident_ids, named_in_years]
// nodes: {state: Country, incident_ids: Incident}
MATCH (i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE i.year IS NOT NULL AND i.year >= $year_from AND i.year <= $year_to
WITH s, i.year AS incident_year, count(DISTINCT i.id) AS incidents,
     count(DISTINCT CASE WHEN p.attribution = 'documented' THEN i.id END) AS documented,
     collect(DISTINCT i.id) AS incident_ids
OPTIONAL MATCH (a:AccountabilityAction)-[:CONCERNS]->(s)
WHERE a.kind = 'un_naming'
WITH s, incident_year, incidents, documented, incident_ids,
     count(DISTINCT CASE WHEN a.year = incident_year THEN a.id END) AS named_that_year,
     collect(DISTINCT a.year) AS named_in_years
WHERE NOT $only_gaps OR named_that_year = 0
RETURN s.iso2 AS state, s.name AS state_name, incident_year AS year, incidents, documented, incident_ids,
       named_that_year, named_in_years

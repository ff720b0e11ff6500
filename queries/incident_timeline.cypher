// name: incident_timeline
// description: >
//   Timeline of incidents by year and month (month 0 where the date gives only a year; undated
//   incidents under year 0), for one origin state or for all, with the physical count.
// parameters:
//   origin: {type: string, picks: Country, default: '', description: "ISO2 code of the origin state ('' for all incidents)"}
// columns:
//   year: year (0 when undated)
//   month: month (1-12), 0 when only the year is known
//   incidents: incidents in that year and month
//   physical_incidents: of these, incidents with a physical tactic
//   incident_ids: their ids
// order_by: [year, month]
// sort_lists: [incident_ids]
// nodes: {incident_ids: Incident}
MATCH (i:Incident)
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
WITH i, o
WHERE $origin = '' OR o.iso2 = $origin
RETURN coalesce(i.year, 0) AS year, coalesce(i.month, 0) AS month, count(DISTINCT i.id) AS incidents,
       count(DISTINCT CASE WHEN i.physical THEN i.id END) AS physical_incidents, collect(DISTINCT i.id) AS incident_ids

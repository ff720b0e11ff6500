// name: jurisdictions_that_could_act
// description: >
//   Where a prosecutor or an export-control authority could act: companies grouped by the country
//   they are headquartered in, with the incidents abroad (host state other than that country) in which
//   their products or services were used (FACILITATED), the states and agencies they supplied, and the
//   accountability actions that country has already taken concerning its companies.
// parameters:
//   hq: {type: string, default: '', description: ISO2 code of one headquarters country ('' for all)}
// columns:
//   hq: ISO2 code of the headquarters country
//   hq_name: name of the headquarters country
//   companies: names of the companies headquartered there
//   incidents_abroad: number of incidents abroad the companies facilitated
//   incident_ids: their ids
//   hosts: host states of those incidents
//   origins: origin states behind those incidents
//   supplied_states: states the companies supplied directly (ISO2)
//   supplied_agencies: state agencies the companies supplied, as 'agency (ISO2 of its state)'
//   actions_by_hq: accountability actions taken by the headquarters country concerning these companies
//   action_kinds: kinds of those actions
// order_by: [-incidents_abroad, hq]
// sort_lists: [companies, incident_ids, hosts, origins, supplied_states, supplied_agencies, action_kinds]
// nodes: {hq: Country, incident_ids: Incident, hosts: Country, origins: Country, supplied_states: Country}
MATCH (c:Company)-[:HEADQUARTERED_IN]->(hq:Country)
WHERE $hq = '' OR hq.iso2 = $hq
OPTIONAL MATCH (c)-[:FACILITATED]->(i:Incident)-[:OCCURRED_IN]->(h:Country)
WHERE h.iso2 <> hq.iso2
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
WITH hq, collect(DISTINCT c.name) AS companies, count(DISTINCT i.id) AS incidents_abroad,
     collect(DISTINCT i.id) AS incident_ids, collect(DISTINCT h.iso2) AS hosts, collect(DISTINCT o.iso2) AS origins
OPTIONAL MATCH (hq)<-[:HEADQUARTERED_IN]-(c2:Company)-[:SUPPLIED]->(sc:Country)
WITH hq, companies, incidents_abroad, incident_ids, hosts, origins, collect(DISTINCT sc.iso2) AS supplied_states
OPTIONAL MATCH (hq)<-[:HEADQUARTERED_IN]-(c3:Company)-[:SUPPLIED]->(ag:Organization)-[:PART_OF]->(sa:Country)
WITH hq, companies, incidents_abroad, incident_ids, hosts, origins, supplied_states,
     collect(DISTINCT CASE WHEN ag IS NOT NULL THEN ag.name + ' (' + sa.iso2 + ')' END) AS supplied_agencies
OPTIONAL MATCH (hq)<-[:TAKEN_BY]-(a:AccountabilityAction)-[:CONCERNS]->(c4:Company)-[:HEADQUARTERED_IN]->(hq)
RETURN hq.iso2 AS hq, hq.name AS hq_name, companies, incidents_abroad, incident_ids, hosts, origins, supplied_states,
       supplied_agencies,
       count(DISTINCT a.id) AS actions_by_hq, collect(DISTINCT a.kind) AS action_kinds

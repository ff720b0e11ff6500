// name: jurisdictions_that_could_act
// description: >
//   Where a prosecutor or an export-control authority could act: companies grouped by the country
//   they are headquartered in, with the incidents in which their products or services were used
//   (FACILITATED), the states and agencies they supplied, and the accountability actions that country
//   has already taken concerning its companies. Two flags: `incidents_hq_is_host` are incidents that
//   happened in the headquarters country itself (kept: that is where an HQ court can most easily act),
//   `incidents_hq_is_perpetrator` are incidents perpetrated by the headquarters country (a state unlikely
//   to act against its own operation). A supplier with no company record gets the HQ the SII transfer
//   gives (supplier_company_hq).
// parameters:
//   hq: {type: string, picks: Country, default: '', description: ISO2 code of one headquarters country ('' for all)}
// columns:
//   hq: ISO2 code of the headquarters country
//   hq_name: name of the headquarters country
//   companies: names of the companies headquartered there
//   incidents_abroad: number of facilitated incidents whose host state is not the headquarters country
//   incident_ids: ids of every facilitated incident (abroad and at home)
//   incidents_hq_is_host: facilitated incidents that happened in the headquarters country
//   incidents_hq_is_perpetrator: facilitated incidents perpetrated by the headquarters country
//   hosts: host states of the facilitated incidents
//   origins: origin states behind those incidents
//   supplied_states: states the companies supplied directly (ISO2)
//   supplied_agencies: state agencies the companies supplied, as 'agency (ISO2 of its state)'
//   actions_by_hq: accountability actions taken by the headquarters country concerning these companies
//   action_kinds: kinds of those actions
// order_by: [-incidents_abroad, hq]
// sort_lists: [companies, incident_ids, incidents_hq_is_host, incidents_hq_is_perpetrator, hosts, origins, supplied_states, supplied_agencies, action_kinds]
// nodes: {hq: Country, incident_ids: Incident, hosts: Country, origins: Country, supplied_states: Country}
MATCH (c:Company)-[:HEADQUARTERED_IN]->(hq:Country)
WHERE $hq = '' OR hq.iso2 = $hq
OPTIONAL MATCH (c)-[:FACILITATED]->(i:Incident)-[:OCCURRED_IN]->(h:Country)
OPTIONAL MATCH (i)-[:PERPETRATED_BY]->(o:Country)
WITH hq, collect(DISTINCT c.name) AS companies,
     count(DISTINCT CASE WHEN h.iso2 <> hq.iso2 THEN i.id END) AS incidents_abroad,
     collect(DISTINCT i.id) AS incident_ids,
     collect(DISTINCT CASE WHEN h.iso2 = hq.iso2 THEN i.id END) AS incidents_hq_is_host,
     collect(DISTINCT CASE WHEN o.iso2 = hq.iso2 THEN i.id END) AS incidents_hq_is_perpetrator,
     collect(DISTINCT h.iso2) AS hosts, collect(DISTINCT o.iso2) AS origins
OPTIONAL MATCH (hq)<-[:HEADQUARTERED_IN]-(c2:Company)-[:SUPPLIED]->(sc:Country)
WITH hq, companies, incidents_abroad, incident_ids, incidents_hq_is_host, incidents_hq_is_perpetrator, hosts, origins,
     collect(DISTINCT sc.iso2) AS supplied_states
OPTIONAL MATCH (hq)<-[:HEADQUARTERED_IN]-(c3:Company)-[:SUPPLIED]->(ag:Organization)-[:PART_OF]->(sa:Country)
WITH hq, companies, incidents_abroad, incident_ids, incidents_hq_is_host, incidents_hq_is_perpetrator, hosts, origins,
     supplied_states,
     collect(DISTINCT CASE WHEN ag IS NOT NULL THEN ag.name + ' (' + sa.iso2 + ')' END) AS supplied_agencies
OPTIONAL MATCH (hq)<-[:TAKEN_BY]-(a:AccountabilityAction)-[:CONCERNS]->(c4:Company)-[:HEADQUARTERED_IN]->(hq)
RETURN hq.iso2 AS hq, hq.name AS hq_name, companies, incidents_abroad, incident_ids, incidents_hq_is_host,
       incidents_hq_is_perpetrator, hosts, origins, supplied_states, supplied_agencies,
       count(DISTINCT a.id) AS actions_by_hq, collect(DISTINCT a.kind) AS action_kinds

// name: host_exposure
// description: >
//   Host-state exposure and conduct: per host state, the incidents it suffered from foreign origin
//   states, the origin states active there, how the host responded (one documented response per
//   incident, counted per kind; no record means unknown), and the incidents in which the host acted
//   for the origin state: the host cooperated and the incident used detention, deportation or
//   rendition (the host detained, deported or handed over the target).
// parameters:
//   host: {type: string, picks: Country, default: '', description: ISO2 code of one host state ('' for all)}
// columns:
//   host: ISO2 code of the host state
//   host_name: name of the host state
//   incidents: incidents there by a foreign origin state
//   origins: ISO2 codes of the origin states active there
//   cooperated: incidents where the host cooperated with the origin state
//   failed_to_protect: incidents where the host failed to protect the target
//   protected: incidents where the host protected the target
//   prosecuted: incidents the host prosecuted
//   expelled_diplomats: incidents after which the host expelled diplomats
//   response_unknown: incidents with no documented host response
//   acted_for_origin: number of incidents where the host detained, deported or handed over the target in cooperation with the origin state
//   acted_for_origin_incidents: their incident ids
// order_by: [-incidents, host]
// sort_lists: [origins, acted_for_origin_incidents]
// nodes: {host: Country, origins: Country, acted_for_origin_incidents: Incident}
MATCH (i:Incident)-[:OCCURRED_IN]->(h:Country)
MATCH (i)-[:PERPETRATED_BY]->(o:Country)
WHERE h.iso2 <> o.iso2 AND ($host = '' OR h.iso2 = $host)
OPTIONAL MATCH (h)-[r:RESPONDED_TO]->(i)
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH h, i, o, r.response AS response,
     count(DISTINCT CASE WHEN t.code IN ['detention', 'deportation', 'rendition'] THEN t.code END) AS removal_tactics
WITH h,
     count(DISTINCT i.id) AS incidents,
     collect(DISTINCT o.iso2) AS origins,
     count(DISTINCT CASE WHEN response = 'cooperated' THEN i.id END) AS cooperated,
     count(DISTINCT CASE WHEN response = 'failed_to_protect' THEN i.id END) AS failed_to_protect,
     count(DISTINCT CASE WHEN response = 'protected' THEN i.id END) AS protected,
     count(DISTINCT CASE WHEN response = 'prosecuted' THEN i.id END) AS prosecuted,
     count(DISTINCT CASE WHEN response = 'expelled_diplomats' THEN i.id END) AS expelled_diplomats,
     count(DISTINCT CASE WHEN response IS NULL THEN i.id END) AS response_unknown,
     count(DISTINCT CASE WHEN response = 'cooperated' AND removal_tactics > 0 THEN i.id END) AS acted_for_origin,
     collect(DISTINCT CASE WHEN response = 'cooperated' AND removal_tactics > 0 THEN i.id END) AS acted_for_origin_incidents
RETURN h.iso2 AS host, h.name AS host_name, incidents, origins, cooperated, failed_to_protect, protected, prosecuted,
       expelled_diplomats, response_unknown, acted_for_origin, acted_for_origin_incidents

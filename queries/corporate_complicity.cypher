// name: corporate_complicity
// description: >
//   Companies linked to a state's incidents, one row per company and link, each with its evidence path
//   and the sources of the company's edge. Links: `facilitated` (the company's product or service was
//   used in the incident: one row per incident); `supplied_state` (the company supplied the perpetrator
//   state) and `supplied_agency` (it supplied an agency PART_OF the perpetrator state): one row per supply
//   link, with the number of the state's incidents it reaches. A supply link reaches an incident when
//   the supply period (since/until, compared by year; where only an order year is known, as in the
//   Surveillance Industry Index, that year is the start) does not exclude the incident's year:
//   `overlapping` counts incidents within both known ends, `window_unknown` those where an end or the
//   incident year is unknown and nothing known excludes them, `outside` those a known end excludes;
//   `incidents` = overlapping + window_unknown. Links that reach no incident are left out (unless
//   include_outside and some incident is outside). `agency_incidents` counts, of `incidents`, those also
//   attributed to the supplied agency. `basis_kind` says what a supply link rests on (open_source,
//   export_licence, in_country_detection: the last is a device seen in the country, not a known sale).
//   With attribution=documented only incidents attributed to the state on documented evidence count.
//   Whether a supply link is evidence for an incident is the complicity score's time-and-tactic rule
//   (graph/data/supply_links.yaml; analysis complicity_links), not this query's window.
// parameters:
//   state: {type: string, picks: Country, default: '', description: ISO2 code of the origin (perpetrator) state ('' for all)}
//   include_outside: {type: bool, default: false, description: also return supply links whose period excludes every incident year}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the state on documented evidence; any: suspected ones too"}
// columns:
//   company: company id
//   company_name: company name
//   state: ISO2 of the perpetrator state
//   link: facilitated, supplied_state or supplied_agency
//   supplied_to: name of the state or agency supplied (empty for facilitated)
//   supplied_id: ISO2 of the state or id of the agency supplied (empty for facilitated)
//   product: the product or service
//   goods: goods named by the transfer records behind a supply link (SII; empty otherwise)
//   evidence: role in the incident, or the documented basis of the supply
//   basis_kind: what the supply link rests on (open_source, export_licence, in_country_detection; empty if not stated)
//   transfer_ids: the dataset's transfer records behind a supply link
//   supply_year: earliest order year of those records
//   since: start of the supply period (year as given)
//   until: end of the supply period (year as given)
//   incident: the incident (facilitated links only)
//   year: its year (facilitated links only)
//   attribution: how that incident is attributed to the state, documented or suspected (facilitated links only)
//   tactics: its tactic codes (facilitated links only)
//   incidents: incidents of the state the link reaches (1 for a facilitated link)
//   overlapping: of the state's incidents, those within both known ends of the supply period (supply links)
//   window_unknown: those where an end of the period or the incident year is unknown and nothing known excludes them (supply links)
//   outside: those a known end of the period excludes (supply links)
//   agency_incidents: for supplied_agency, of `incidents`, those also attributed to the supplied agency
//   evidence_path: the path in the graph that makes the link
//   link_sources: web sources of the company's edge (FACILITATED or SUPPLIED)
//   incident_sources: web sources of the incident's attribution to the state (facilitated links only)
//   source_record: the file record that asserted the company's edge
// order_by: [company_name, state, link, supplied_to, incident]
// sort_lists: [link_sources, incident_sources, transfer_ids, tactics, goods]
// nodes: {company: Company, incident: Incident, state: Country}
MATCH (c:Company)-[f:FACILITATED]->(i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE $state = '' OR s.iso2 = $state
WITH c, f, i, p, s
WHERE $attribution = 'any' OR p.attribution = 'documented'
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH c, f, i, p, s, collect(t.code) AS tactics
RETURN c.id AS company, c.name AS company_name, s.iso2 AS state,
       'facilitated' AS link, CASE WHEN false THEN 'none' END AS supplied_to, CASE WHEN false THEN 'none' END AS supplied_id, f.product AS product,
       CASE WHEN false THEN ['none'] END AS goods, f.role AS evidence,
       CASE WHEN false THEN '' END AS basis_kind, CASE WHEN false THEN ['none'] END AS transfer_ids,
       CASE WHEN false THEN 0 END AS supply_year,
       CASE WHEN false THEN '' END AS since, CASE WHEN false THEN 'never' END AS until,
       i.id AS incident, i.year AS year, p.attribution AS attribution, tactics,
       sum(1) AS incidents, sum(0) AS overlapping, sum(0) AS window_unknown, sum(0) AS outside,
       CASE WHEN false THEN sum(0) END AS agency_incidents,
       '(' + c.name + ')-[FACILITATED]->(' + i.id + ')-[PERPETRATED_BY]->(' + s.iso2 + ')' AS evidence_path,
       f.source_urls AS link_sources, p.source_urls AS incident_sources, f.source_record AS source_record
UNION ALL
MATCH (i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE ($state = '' OR s.iso2 = $state) AND ($attribution = 'any' OR p.attribution = 'documented')
WITH s, i.year AS y, left(i.date, 4) AS dy, count(*) AS n
MATCH (c:Company)-[r:SUPPLIED]->(s)
WITH c, r, s, n,
     CASE WHEN (r.since IS NOT NULL AND dy IS NOT NULL AND left(r.since, 4) > dy)
            OR (r.since IS NULL AND r.year IS NOT NULL AND y IS NOT NULL AND r.year > y)
            OR (r.until IS NOT NULL AND dy IS NOT NULL AND left(r.until, 4) < dy) THEN 'outside'
          WHEN (r.since IS NULL AND r.year IS NULL) OR r.until IS NULL OR dy IS NULL THEN 'unknown'
          ELSE 'overlaps' END AS win
WITH c, r, s, sum(CASE WHEN win = 'overlaps' THEN n ELSE 0 END) AS overlapping,
     sum(CASE WHEN win = 'unknown' THEN n ELSE 0 END) AS window_unknown,
     sum(CASE WHEN win = 'outside' THEN n ELSE 0 END) AS outside
WHERE overlapping + window_unknown > 0 OR ($include_outside AND outside > 0)
RETURN c.id AS company, c.name AS company_name, s.iso2 AS state,
       'supplied_state' AS link, s.name AS supplied_to, s.iso2 AS supplied_id, r.product AS product, r.goods AS goods, r.basis AS evidence,
       r.basis_kind AS basis_kind, r.transfer_ids AS transfer_ids, r.year AS supply_year,
       r.since AS since, r.until AS until,
       CASE WHEN false THEN '' END AS incident, CASE WHEN false THEN 0 END AS year,
       CASE WHEN false THEN '' END AS attribution, CASE WHEN false THEN ['none'] END AS tactics,
       overlapping + window_unknown AS incidents, overlapping, window_unknown, outside,
       CASE WHEN false THEN overlapping END AS agency_incidents,
       '(' + c.name + ')-[SUPPLIED]->(' + s.iso2 + ')<-[PERPETRATED_BY]-(Incident)' AS evidence_path,
       r.source_urls AS link_sources, CASE WHEN false THEN ['none'] END AS incident_sources,
       r.source_record AS source_record
UNION ALL
MATCH (:Company)-[:SUPPLIED]->(a:Organization)-[:PART_OF]->(s:Country)
WHERE $state = '' OR s.iso2 = $state
WITH DISTINCT a, s
MATCH (i:Incident)-[p:PERPETRATED_BY]->(s)
WHERE $attribution = 'any' OR p.attribution = 'documented'
OPTIONAL MATCH (i)-[at:ATTRIBUTED_TO]->(a)
WITH a, s, i, count(at) > 0 AS att
WITH a, s, i.year AS y, left(i.date, 4) AS dy, att, count(*) AS n
MATCH (c:Company)-[r:SUPPLIED]->(a)
WITH c, r, a, s, n, att,
     CASE WHEN (r.since IS NOT NULL AND dy IS NOT NULL AND left(r.since, 4) > dy)
            OR (r.since IS NULL AND r.year IS NOT NULL AND y IS NOT NULL AND r.year > y)
            OR (r.until IS NOT NULL AND dy IS NOT NULL AND left(r.until, 4) < dy) THEN 'outside'
          WHEN (r.since IS NULL AND r.year IS NULL) OR r.until IS NULL OR dy IS NULL THEN 'unknown'
          ELSE 'overlaps' END AS win
WITH c, r, a, s, sum(CASE WHEN win = 'overlaps' THEN n ELSE 0 END) AS overlapping,
     sum(CASE WHEN win = 'unknown' THEN n ELSE 0 END) AS window_unknown,
     sum(CASE WHEN win = 'outside' THEN n ELSE 0 END) AS outside,
     sum(CASE WHEN att AND win <> 'outside' THEN n ELSE 0 END) AS agency_incidents
WHERE overlapping + window_unknown > 0 OR ($include_outside AND outside > 0)
RETURN c.id AS company, c.name AS company_name, s.iso2 AS state,
       'supplied_agency' AS link, a.name AS supplied_to, a.id AS supplied_id, r.product AS product, r.goods AS goods, r.basis AS evidence,
       r.basis_kind AS basis_kind, r.transfer_ids AS transfer_ids, r.year AS supply_year,
       r.since AS since, r.until AS until,
       CASE WHEN false THEN '' END AS incident, CASE WHEN false THEN 0 END AS year,
       CASE WHEN false THEN '' END AS attribution, CASE WHEN false THEN ['none'] END AS tactics,
       overlapping + window_unknown AS incidents, overlapping, window_unknown, outside, agency_incidents,
       '(' + c.name + ')-[SUPPLIED]->(' + a.name + ')-[PART_OF]->(' + s.iso2 + ')<-[PERPETRATED_BY]-(Incident)' AS evidence_path,
       r.source_urls AS link_sources, CASE WHEN false THEN ['none'] END AS incident_sources,
       r.source_record AS source_record

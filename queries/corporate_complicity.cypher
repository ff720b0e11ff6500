// name: corporate_complicity
// description: >
//   Companies linked to a state's incidents, one row per company, incident and link, each with its
//   evidence path and the sources of every edge on it. Links: `facilitated` (the company's product or
//   service was used in the incident); `supplied_state` (the company supplied the perpetrator state);
//   `supplied_agency` (it supplied an agency PART_OF the perpetrator state; `agency_attributed` says
//   whether the incident is also attributed to that agency). A supply link counts only when the supply
//   period (since/until, compared by year; where only an order year is known, as in the Surveillance
//   Industry Index, that year is the start) overlaps the incident's year: `window` is `overlaps` when
//   both ends are known and overlap, `unknown` when an end or the incident year is unknown and nothing
//   known excludes it, `outside` when a known end excludes it (such rows only with include_outside),
//   `n/a` for facilitated links. `basis_kind` says what a supply link rests on (open_source,
//   export_licence, in_country_detection: the last is a device seen in the country, not a known sale).
//   `attribution` is how the incident is attributed to the state (documented or suspected); with
//   attribution=documented only documented incidents are returned. `tactics` and `goods` are what the
//   complicity score's time-and-tactic rule (graph/data/supply_links.yaml) reads.
// parameters:
//   state: {type: string, picks: Country, default: '', description: ISO2 code of the origin (perpetrator) state ('' for all)}
//   include_outside: {type: bool, default: false, description: also return supply links whose period excludes the incident year}
//   attribution: {type: string, default: any, choices: [any, documented], description: "documented: only incidents attributed to the state on documented evidence; any: suspected ones too"}
// columns:
//   company: company id
//   company_name: company name
//   incident: incident id
//   year: incident year
//   state: ISO2 of the perpetrator state
//   attribution: how the incident is attributed to that state (documented or suspected)
//   tactics: the incident's tactic codes
//   link: facilitated, supplied_state or supplied_agency
//   supplied_to: name of the state or agency supplied (empty for facilitated)
//   product: the product or service
//   goods: goods named by the transfer records behind a supply link (SII; empty otherwise)
//   evidence: role in the incident, or the documented basis of the supply
//   basis_kind: what the supply link rests on (open_source, export_licence, in_country_detection; empty if not stated)
//   transfer_ids: the dataset's transfer records behind a supply link
//   supply_year: earliest order year of those records
//   since: start of the supply period (year as given)
//   until: end of the supply period (year as given)
//   window: overlaps, unknown, outside (supply links) or n/a (facilitated)
//   agency_attributed: for supplied_agency, whether the incident is attributed to the supplied agency
//   evidence_path: the path in the graph that makes the link
//   link_sources: web sources of the company's edge (FACILITATED or SUPPLIED)
//   incident_sources: web sources of the incident's attribution to the state (PERPETRATED_BY)
//   source_record: the file record that asserted the company's edge
// order_by: [company_name, incident, link, supplied_to]
// sort_lists: [link_sources, incident_sources, transfer_ids, tactics, goods]
// nodes: {company: Company, incident: Incident, state: Country}
MATCH (c:Company)-[f:FACILITATED]->(i:Incident)-[p:PERPETRATED_BY]->(s:Country)
WHERE $state = '' OR s.iso2 = $state
WITH c, f, i, p, s
WHERE $attribution = 'any' OR p.attribution = 'documented'
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH c, f, i, p, s, collect(t.code) AS tactics
RETURN c.id AS company, c.name AS company_name, i.id AS incident, i.year AS year, s.iso2 AS state,
       p.attribution AS attribution, tactics,
       'facilitated' AS link, CASE WHEN false THEN 'none' END AS supplied_to, f.product AS product,
       CASE WHEN false THEN ['none'] END AS goods, f.role AS evidence,
       CASE WHEN false THEN '' END AS basis_kind, CASE WHEN false THEN ['none'] END AS transfer_ids,
       CASE WHEN false THEN 0 END AS supply_year,
       CASE WHEN false THEN '' END AS since, CASE WHEN false THEN 'never' END AS until, 'n/a' AS window,
       CASE WHEN false THEN false END AS agency_attributed,
       '(' + c.name + ')-[FACILITATED]->(' + i.id + ')-[PERPETRATED_BY]->(' + s.iso2 + ')' AS evidence_path,
       f.source_urls AS link_sources, p.source_urls AS incident_sources, f.source_record AS source_record
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(s:Country)<-[p:PERPETRATED_BY]-(i:Incident)
WHERE $state = '' OR s.iso2 = $state
WITH c, r, s, p, i
WHERE $attribution = 'any' OR p.attribution = 'documented'
WITH c, r, s, p, i,
     CASE WHEN (r.since IS NOT NULL AND i.date IS NOT NULL AND left(r.since, 4) > left(i.date, 4))
            OR (r.since IS NULL AND r.year IS NOT NULL AND i.year IS NOT NULL AND r.year > i.year)
            OR (r.until IS NOT NULL AND i.date IS NOT NULL AND left(r.until, 4) < left(i.date, 4)) THEN 'outside'
          WHEN (r.since IS NULL AND r.year IS NULL) OR r.until IS NULL OR i.date IS NULL THEN 'unknown'
          ELSE 'overlaps' END AS win
WHERE $include_outside OR win <> 'outside'
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH c, r, s, p, i, win, collect(t.code) AS tactics
RETURN c.id AS company, c.name AS company_name, i.id AS incident, i.year AS year, s.iso2 AS state,
       p.attribution AS attribution, tactics,
       'supplied_state' AS link, s.name AS supplied_to, r.product AS product, r.goods AS goods, r.basis AS evidence,
       r.basis_kind AS basis_kind, r.transfer_ids AS transfer_ids, r.year AS supply_year,
       r.since AS since, r.until AS until, win AS window, CASE WHEN false THEN false END AS agency_attributed,
       '(' + c.name + ')-[SUPPLIED]->(' + s.iso2 + ')<-[PERPETRATED_BY]-(' + i.id + ')' AS evidence_path,
       r.source_urls AS link_sources, p.source_urls AS incident_sources, r.source_record AS source_record
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(a:Organization)-[:PART_OF]->(s:Country)<-[p:PERPETRATED_BY]-(i:Incident)
WHERE $state = '' OR s.iso2 = $state
WITH c, r, a, s, p, i
WHERE $attribution = 'any' OR p.attribution = 'documented'
OPTIONAL MATCH (i)-[at:ATTRIBUTED_TO]->(a)
WITH c, r, a, s, p, i, count(at) > 0 AS attributed,
     CASE WHEN (r.since IS NOT NULL AND i.date IS NOT NULL AND left(r.since, 4) > left(i.date, 4))
            OR (r.since IS NULL AND r.year IS NOT NULL AND i.year IS NOT NULL AND r.year > i.year)
            OR (r.until IS NOT NULL AND i.date IS NOT NULL AND left(r.until, 4) < left(i.date, 4)) THEN 'outside'
          WHEN (r.since IS NULL AND r.year IS NULL) OR r.until IS NULL OR i.date IS NULL THEN 'unknown'
          ELSE 'overlaps' END AS win
WHERE $include_outside OR win <> 'outside'
OPTIONAL MATCH (i)-[:USED_TACTIC]->(t:Tactic)
WITH c, r, a, s, p, i, attributed, win, collect(t.code) AS tactics
RETURN c.id AS company, c.name AS company_name, i.id AS incident, i.year AS year, s.iso2 AS state,
       p.attribution AS attribution, tactics,
       'supplied_agency' AS link, a.name AS supplied_to, r.product AS product, r.goods AS goods, r.basis AS evidence,
       r.basis_kind AS basis_kind, r.transfer_ids AS transfer_ids, r.year AS supply_year,
       r.since AS since, r.until AS until, win AS window, attributed AS agency_attributed,
       '(' + c.name + ')-[SUPPLIED]->(' + a.name + ')-[PART_OF]->(' + s.iso2 + ')<-[PERPETRATED_BY]-(' + i.id + ')' AS evidence_path,
       r.source_urls AS link_sources, p.source_urls AS incident_sources, r.source_record AS source_record

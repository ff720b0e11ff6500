// name: companies_linked_to_state
// description: >
//   Companies linked to a state: those whose product or service was used in the state's incidents
//   (FACILITATED), and those documented as supplying the state or one of its agencies (SUPPLIED),
//   each link with its evidence, what it rests on (basis_kind), the goods and the web sources behind
//   it. A supply record that rests only on an in-country detection (a vendor's device seen in the
//   country, as in the Surveillance Industry Index's Blue Coat records) is not a sale: its link is
//   `detected`, not `supplied`.
// parameters:
//   state: {type: string, picks: Country, default: SA, description: ISO2 code of the origin (perpetrator) state}
// columns:
//   company: company id
//   company_name: company name
//   hq_country: ISO2 of the company's headquarters
//   link: facilitated (used in an incident), supplied (sold to the state or its agency) or detected (device seen in the country only)
//   via: the incident id, or the state/agency supplied
//   evidence: role and product in the incident, or the documented basis of the supply
//   basis_kind: what a supply link rests on (open_source, export_licence, in_country_detection; empty if not stated); empty for facilitated
//   goods: the goods or product of the link
//   sources: web pages cited for the link
// order_by: [company_name, link, via]
// sort_lists: [sources]
// nodes: {company: Company}
MATCH (c:Company)-[f:FACILITATED]->(i:Incident)-[:PERPETRATED_BY]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country, 'facilitated' AS link,
       i.id AS via, coalesce(f.role, '') + ': ' + coalesce(f.product, '') AS evidence,
       CASE WHEN false THEN '' END AS basis_kind, f.product AS goods, f.source_urls AS sources
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country,
       CASE WHEN r.basis_kind = 'in_country_detection' THEN 'detected' ELSE 'supplied' END AS link,
       s.iso2 AS via, r.basis AS evidence, r.basis_kind AS basis_kind, r.product AS goods, r.source_urls AS sources
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(a:Organization)-[:PART_OF]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country,
       CASE WHEN r.basis_kind = 'in_country_detection' THEN 'detected' ELSE 'supplied' END AS link,
       a.name AS via, r.basis AS evidence, r.basis_kind AS basis_kind, r.product AS goods, r.source_urls AS sources

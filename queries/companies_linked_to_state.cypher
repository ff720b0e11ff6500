// name: companies_linked_to_state
// description: >
//   Companies linked to a state: those whose product or service was used in the state's incidents
//   (FACILITATED), and those documented as supplying the state or one of its agencies (SUPPLIED),
//   each link with its evidence and the web sources behind it.
// parameters:
//   state: {type: string, default: SA, description: ISO2 code of the origin (perpetrator) state}
// columns:
//   company: company id
//   company_name: company name
//   hq_country: ISO2 of the company's headquarters
//   link: facilitated (used in an incident) or supplied (sold to the state or its agency)
//   via: the incident id, or the state/agency supplied
//   evidence: role and product in the incident, or the documented basis of the supply
//   sources: web pages cited for the link
// order_by: [company_name, link, via]
// sort_lists: [sources]
// nodes: {company: Company}
MATCH (c:Company)-[f:FACILITATED]->(i:Incident)-[:PERPETRATED_BY]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country, 'facilitated' AS link,
       i.id AS via, coalesce(f.role, '') + ': ' + coalesce(f.product, '') AS evidence, f.source_urls AS sources
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country, 'supplied' AS link,
       s.iso2 AS via, r.basis AS evidence, r.source_urls AS sources
UNION ALL
MATCH (c:Company)-[r:SUPPLIED]->(a:Organization)-[:PART_OF]->(s:Country {iso2: $state})
RETURN c.id AS company, c.name AS company_name, c.hq_country AS hq_country, 'supplied' AS link,
       a.name AS via, r.basis AS evidence, r.source_urls AS sources

// name: company_facets
// description: >
//   What the Companies page filters companies by: the headquarters country (HEADQUARTERED_IN, as
//   jurisdictions_that_could_act reads it), the sector, products and technology of every company.
// columns:
//   company: company id
//   hq: ISO2 codes of its headquarters countries (one, as a rule)
//   sector: its sector as given
//   products: its products
//   technology: kinds of technology it sold (SII categories)
// order_by: [company]
// sort_lists: [hq]
MATCH (c:Company)
OPTIONAL MATCH (c)-[:HEADQUARTERED_IN]->(h:Country)
WITH c, collect(DISTINCT h.iso2) AS hq
RETURN c.id AS company, hq, c.sector AS sector, c.products AS products, c.technology AS technology

// name: actions_concerning_companies
// description: How many accountability actions concern each company, for the complicity score (graph/analysis/complicity.py).
// columns:
//   company: company id
//   actions: number of distinct accountability actions concerning it
// order_by: [company]
MATCH (a:AccountabilityAction)-[:CONCERNS]->(c:Company)
RETURN c.id AS company, count(DISTINCT a.id) AS actions

// name: company_names
// description: >
//   Every company's name, aliases and products: the names the ingest resolves companies by
//   (ingest/pipeline.py) and the citizenlab gazetteer looks for in report text (ingest/external/citizenlab.py).
// columns:
//   id: company id
//   name: company name
//   aliases: other names it goes by
//   products: its products (a gazetteer finds a company by its product's name too)
// order_by: [id]
MATCH (c:Company)
RETURN c.id AS id, c.name AS name, c.aliases AS aliases, c.products AS products

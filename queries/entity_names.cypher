// name: entity_names
// description: >
//   Every entity a reader can look up by name, with the other names it is found by: countries (name and
//   ISO2 code; the country library adds the rest), companies (name, aliases and the names merged into
//   them), organisations, persons (a non-public person by the pseudonym only: the name is never stored)
//   and incidents (id; the summary as context). graph/search.py ranks these for the entity picker.
// columns:
//   label: node label (Country, Company, Organization, Person or Incident)
//   key: the node's key (ISO2 code, id)
//   name: the node's name (an incident's id)
//   aliases: other names it is found by (a country's code, a company's aliases)
//   merged_names: names from other sources resolved to it (companies; else the name again)
//   detail: a hint to tell entities apart (region, headquarters country, kind, role, incident summary)
// order_by: [label, key]
MATCH (c:Country)
RETURN 'Country' AS label, c.iso2 AS key, c.name AS name, [c.iso2] AS aliases, [c.name] AS merged_names,
       c.region AS detail
UNION ALL
MATCH (co:Company)
RETURN 'Company' AS label, co.id AS key, co.name AS name, co.aliases AS aliases, co.merged_names AS merged_names,
       co.hq_country AS detail
UNION ALL
MATCH (o:Organization)
RETURN 'Organization' AS label, o.id AS key, o.name AS name, [o.name] AS aliases, [o.name] AS merged_names,
       o.kind AS detail
UNION ALL
MATCH (p:Person)
RETURN 'Person' AS label, p.id AS key, p.name AS name, [p.name] AS aliases, [p.name] AS merged_names,
       p.role AS detail
UNION ALL
MATCH (i:Incident)
RETURN 'Incident' AS label, i.id AS key, i.id AS name, [i.id] AS aliases, [i.id] AS merged_names,
       i.summary AS detail

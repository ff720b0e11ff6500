// name: search_entities
// description: >
//   Find entities by name: countries (name or ISO2 code), companies, organisations and persons (name),
//   and incidents (id or summary) whose text contains the search string, ignoring case. Non-public
//   persons are found by their pseudonym only (their names are not stored). The Explore page starts
//   here; label and key together name the entity for the ego_network analysis (Label:key).
// parameters:
//   q: {type: string, default: '', description: text to look for (case-insensitive substring; '' lists every entity)}
// columns:
//   label: node label (Country, Company, Organization, Person or Incident)
//   key: the node's key (ISO2 code, id)
//   name: the node's name (an incident's id)
//   detail: a hint to tell entities apart (region, headquarters country, kind, role, incident summary)
// order_by: [label, name, key]
MATCH (c:Country)
WHERE $q = '' OR toLower(c.name) CONTAINS toLower($q) OR toLower(c.iso2) CONTAINS toLower($q)
RETURN 'Country' AS label, c.iso2 AS key, c.name AS name, c.region AS detail
UNION ALL
MATCH (co:Company)
WHERE $q = '' OR toLower(co.name) CONTAINS toLower($q)
RETURN 'Company' AS label, co.id AS key, co.name AS name, co.hq_country AS detail
UNION ALL
MATCH (o:Organization)
WHERE $q = '' OR toLower(o.name) CONTAINS toLower($q)
RETURN 'Organization' AS label, o.id AS key, o.name AS name, o.kind AS detail
UNION ALL
MATCH (p:Person)
WHERE $q = '' OR toLower(p.name) CONTAINS toLower($q)
RETURN 'Person' AS label, p.id AS key, p.name AS name, p.role AS detail
UNION ALL
MATCH (i:Incident)
WHERE $q = '' OR toLower(i.id) CONTAINS toLower($q) OR toLower(i.summary) CONTAINS toLower($q)
RETURN 'Incident' AS label, i.id AS key, i.id AS name, i.summary AS detail

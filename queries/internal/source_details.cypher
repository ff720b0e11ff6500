// name: source_details
// description: >
//   What the entity page shows of the sources a node is SOURCED_FROM (graph/entity.py): the ingested
//   file's name or the web page's address, title, publisher and date.
// parameters:
//   ids: {type: list, required: true, description: "Source ids"}
// columns:
//   id: source id
//   kind: file, web or report
//   url: the web page's address (web sources)
//   path: the file name as ingested (file sources)
//   title: the page's or report's title, if known
//   publisher: its publisher, if known
//   date: its date as given, if known
// order_by: [kind, url, path, id]
MATCH (s:Source)
WHERE s.id IN $ids
RETURN s.id AS id, s.kind AS kind, s.url AS url, s.path AS path, s.title AS title, s.publisher AS publisher,
       s.date AS date

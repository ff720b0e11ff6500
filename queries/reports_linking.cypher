// name: reports_linking
// description: >
//   Which reports tie a company to a state: reports (Sources, e.g. the Citizen Lab corpus) whose text
//   mentions both the company (by name or alias) and the state, with how often each is mentioned and a
//   snippet around the state's first mention. Mentions come from the gazetteer run at ingest.
// parameters:
//   company: {type: string, picks: Company, default: company-hacking-team, description: company id (see tnr query companies_linked_to_state)}
//   state: {type: string, picks: Country, default: ET, description: ISO2 code of the state}
// columns:
//   report: report Source id
//   title: report title
//   date: report date
//   url: report URL
//   company_mentions: times the company is mentioned
//   state_mentions: times the state is mentioned
//   state_snippet: text around the state's first mention
// order_by: [date, report]
MATCH (r:Source)-[m1:MENTIONS]->(c:Company {id: $company})
MATCH (r)-[m2:MENTIONS]->(s:Country {iso2: $state})
RETURN r.id AS report, r.title AS title, r.date AS date, r.url AS url, m1.count AS company_mentions,
       m2.count AS state_mentions, m2.snippet AS state_snippet

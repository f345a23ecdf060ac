// A user, the accounts it follows (up to 140) and the best photo of each.  Set  :param user => 'u000042'
// The embedded store's version of 01_user_neighbourhood.cypher: LadybugDB has no ORDER BY
// in WITH without LIMIT and no lists mixing relationships and nodes, so the best photo is
// found by its beauty (ties: the smallest photo id), then matched again.
MATCH (u:User {id: $user})-[f:FOLLOWS]->(v:User)
WITH u, f, v ORDER BY v.id LIMIT 140
OPTIONAL MATCH (v)-[:POSTED]->(q:Photo)
WITH u, f, v, max(coalesce(q.beauty, -1.0)) AS top
OPTIONAL MATCH (v)-[:POSTED]->(q:Photo) WHERE coalesce(q.beauty, -1.0) = top
WITH u, f, v, min(q.id) AS best
OPTIONAL MATCH (v)-[p:POSTED]->(ph:Photo) WHERE ph.id = best
RETURN u, f, v, p AS posted, ph AS photo ORDER BY v.id;

// The top 10 authorities on a topic and up to 25 followers of each.  Set  :param topic => 'basketball'
// The embedded store's version of 03_topic_authorities.cypher: LadybugDB has no lists mixing
// relationships and nodes, and slices lists 1-based ([1:25] is the first 25).
MATCH (a:User)-[r:AUTHORITY_ON]->(t:Topic {id: $topic})
WITH a, r, t ORDER BY r.rank LIMIT 10
OPTIONAL MATCH (f:User)-[fr:FOLLOWS]->(a)
WITH t, r, a, collect(fr) AS fan_follows, collect(f) AS fans
RETURN t, r, a, fan_follows[1:25] AS follows, fans[1:25] AS followers ORDER BY r.rank;

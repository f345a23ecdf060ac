// Common-neighbours friend-of-friend recommender (beautiful-and-damned §7, "CN").
// Self-follows are ignored (z <> u, z <> v).
// Candidates v are at distance exactly 2 (followees of followees of $user), not the user,
// not already followed.  Score = number of distinct common neighbours z with
// (u)-[:FOLLOWS]->(z)-[:FOLLOWS]->(v).  Ties broken by v.id ascending; top $k.
// `common` is unordered here (the pipeline sorts it).  Same answer as analysis/fof.py.
MATCH (u:User {id: $user})-[:FOLLOWS]->(z:User)-[:FOLLOWS]->(v:User)
WHERE v <> u AND z <> u AND z <> v AND NOT EXISTS { MATCH (u)-[:FOLLOWS]->(v) }
WITH DISTINCT v, z
WITH v, collect(z.id) AS common, count(z) AS n_common
RETURN v.id AS user_id, n_common AS score, n_common, common, v.beauty AS beauty
ORDER BY score DESC, user_id ASC
LIMIT $k

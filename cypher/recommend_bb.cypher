// Beauty-balanced friend-of-friend recommender BB±tolerance (beautiful-and-damned §7).
// Self-follows are ignored (z <> u, z <> v).
// Candidates v are at distance exactly 2 (followees of followees of $user, not the user,
// not already followed) whose User.beauty lies in the relative window
//   u.beauty * (1 - $tolerance) <= v.beauty <= u.beauty * (1 + $tolerance)
// (the paper uses ±10 %).  As in the paper ("the user at network distance 2 with the
// highest average beauty score within ±10 %"), candidates are ranked by beauty
// DESCENDING, ties by v.id ascending; top $k.  Users or candidates without beauty
// yield nothing.  Same answer as analysis/fof.py.
MATCH (u:User {id: $user})-[:FOLLOWS]->(z:User)-[:FOLLOWS]->(v:User)
WHERE v <> u AND z <> u AND z <> v AND NOT EXISTS { MATCH (u)-[:FOLLOWS]->(v) }
  AND u.beauty IS NOT NULL AND v.beauty IS NOT NULL
  AND v.beauty >= u.beauty * (1.0 - $tolerance)
  AND v.beauty <= u.beauty * (1.0 + $tolerance)
WITH DISTINCT u, v, z
WITH u, v, collect(z.id) AS common, count(z) AS n_common
RETURN v.id AS user_id, v.beauty AS score, n_common, common, v.beauty AS beauty,
       u.beauty AS user_beauty
ORDER BY score DESC, user_id ASC
LIMIT $k

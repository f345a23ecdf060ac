// Adamic–Adar friend-of-friend recommender (classic baseline beside §7's CN and BB).
// Self-follows are ignored, also in deg(z).
// Candidates v as in recommend_cn (distance exactly 2, not the user, not followed).
// Score = sum over distinct common neighbours z of 1 / ln(deg(z)), where deg(z) is z's
// TOTAL degree in FOLLOWS (in-degree + out-degree).  A common neighbour has at least one
// in- and one out-edge, so deg(z) >= 2 and the weight is finite.  ln is written as
// log10(x) * ln(10) because `log` means ln in Neo4j but log10 in LadybugDB.
// deg is counted with OPTIONAL MATCH + count(): on LadybugDB 0.22 this is ~20x faster
// than a COUNT { } subquery (measured on 1M follows, bench/bench_recommend.py).
// The score is rounded to 9 decimals so that ties do not depend on summation order;
// ties by v.id ascending; top $k.  Same answer as analysis/fof.py.
MATCH (u:User {id: $user})-[:FOLLOWS]->(z:User)
OPTIONAL MATCH (z)-[:FOLLOWS]-(w:User)
WHERE w <> z
WITH u, z, count(w) AS deg
MATCH (z)-[:FOLLOWS]->(v:User)
WHERE v <> u AND z <> u AND z <> v AND NOT EXISTS { MATCH (u)-[:FOLLOWS]->(v) }
WITH DISTINCT v, z, deg
WITH v, collect(z.id) AS common, count(z) AS n_common,
     sum(1.0 / (log10(deg) * 2.302585092994046)) AS aa
RETURN v.id AS user_id, round(aa, 9) AS score, n_common, common, v.beauty AS beauty
ORDER BY score DESC, user_id ASC
LIMIT $k

// Authority-based recommender (topical-authorities-instagram-alf.txt §5, Algorithm 2).
// Enthusiasm a_tu (Eq. 10) = number of authorities on t that $user_id follows.  For every
// topic with a_tu > $a_hat, recommend the first $b_hat authorities of t (by AUTHORITY_ON
// rank, i.e. decreasing wzf) that the user does not follow yet (and is not herself).
// topic_rank = position among those recommendations of the topic (1..$b_hat).
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(a:User)-[:AUTHORITY_ON]->(t:Topic)
WITH u, t, count(DISTINCT a) AS enthusiasm
WHERE enthusiasm > $a_hat
MATCH (v:User)-[r:AUTHORITY_ON]->(t)
WHERE v <> u AND NOT EXISTS { MATCH (u)-[:FOLLOWS]->(v) }
WITH u, t, enthusiasm, v, r
MATCH (w:User)-[r2:AUTHORITY_ON]->(t)
WHERE r2.rank <= r.rank AND w <> u AND NOT EXISTS { MATCH (u)-[:FOLLOWS]->(w) }
WITH t, enthusiasm, v, r, count(DISTINCT w) AS topic_rank
WHERE topic_rank <= $b_hat
RETURN v.id AS user_id, t.id AS topic_id, enthusiasm, topic_rank,
       r.rank AS authority_rank, r.wzf AS score
ORDER BY enthusiasm DESC, topic_id ASC, topic_rank ASC

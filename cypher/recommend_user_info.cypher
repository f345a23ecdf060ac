// The recipient of a recommendation: does it exist, what is its beauty, how many photos
// did it post and how many of them have a beauty score (why a beauty may be missing)?
MATCH (u:User {id: $user})
OPTIONAL MATCH (u)-[:POSTED]->(p:Photo)
RETURN u.id AS id, u.beauty AS beauty, count(p) AS n_photos, count(p.beauty) AS n_scored

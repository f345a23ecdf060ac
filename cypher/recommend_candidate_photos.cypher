// Photos posted by each recommended account ($ids) and its user beauty, so an
// explanation can say "no photos" (and show the beauty of authority candidates).
MATCH (v:User)
WHERE v.id IN $ids
OPTIONAL MATCH (v)-[:POSTED]->(p:Photo)
RETURN v.id AS user_id, v.beauty AS beauty, count(p) AS n_photos

// One user at a glance: followers, followees, photos, beauty.  $user: the user id.
MATCH (u:User {id: $user})
OPTIONAL MATCH (f:User)-[:FOLLOWS]->(u)
WITH u, count(DISTINCT f) AS followers
OPTIONAL MATCH (u)-[:FOLLOWS]->(g:User)
WITH u, followers, count(DISTINCT g) AS followees
OPTIONAL MATCH (u)-[:POSTED]->(p:Photo)
RETURN u.id AS id, u.bio AS bio, u.beauty AS beauty, followers, followees,
       count(DISTINCT p) AS photos

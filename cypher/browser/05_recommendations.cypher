// Stored recommendations for a user (after `beautygraph recommend --all --write`).
MATCH (u:User {id: $user})-[r:RECOMMENDED]->(v:User)
RETURN u, r, v ORDER BY r.method, r.rank;

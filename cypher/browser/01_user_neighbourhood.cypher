// A user, the accounts it follows (up to 140) and the best photo of each.  Set  :param user => 'u000042'
// The LIMIT counts accounts, not photo rows, and 1 + 140 + 140 nodes stay under the 300 nodes the Browser draws by default.
MATCH (u:User {id: $user})-[f:FOLLOWS]->(v:User)
WITH u, f, v ORDER BY v.id LIMIT 140
OPTIONAL MATCH (v)-[p:POSTED]->(ph:Photo)
WITH u, f, v, p, ph ORDER BY ph.beauty DESC
WITH u, f, v, collect([p, ph])[0] AS best
RETURN u, f, v, best[0] AS posted, best[1] AS photo;

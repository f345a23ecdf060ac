// A user, the accounts it follows and their photos.  Set  :param user => 'u000042'
MATCH (u:User {id: $user})-[f:FOLLOWS]->(v:User)
OPTIONAL MATCH (v)-[p:POSTED]->(ph:Photo)
RETURN u, f, v, p, ph LIMIT 200;

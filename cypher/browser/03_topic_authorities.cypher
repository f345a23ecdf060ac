// Authorities on a topic and who follows them.  Set  :param topic => 'basketball'
MATCH (a:User)-[r:AUTHORITY_ON]->(t:Topic {id: $topic})
OPTIONAL MATCH (f:User)-[:FOLLOWS]->(a)
RETURN t, r, a, f ORDER BY r.rank LIMIT 300;

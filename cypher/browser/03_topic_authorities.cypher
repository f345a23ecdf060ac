// The top 10 authorities on a topic and up to 25 followers of each.  Set  :param topic => 'basketball'
MATCH (a:User)-[r:AUTHORITY_ON]->(t:Topic {id: $topic})
WITH a, r, t ORDER BY r.rank LIMIT 10
OPTIONAL MATCH (f:User)-[fr:FOLLOWS]->(a)
WITH t, r, a, collect([fr, f])[..25] AS fans
RETURN t, r, a, [x IN fans | x[0]] AS follows, [x IN fans | x[1]] AS followers;

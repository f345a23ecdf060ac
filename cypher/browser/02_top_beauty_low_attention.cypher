// "Forlorn beauties": high user beauty, few followers (cf. beautiful-and-damned §7).
MATCH (u:User) WHERE u.beauty IS NOT NULL
WITH u, COUNT { MATCH (u)<-[:FOLLOWS]-() } AS followers
WHERE followers < 10
RETURN u.id AS user, u.beauty AS beauty, followers, u.cluster_name AS class
ORDER BY beauty DESC LIMIT 25;

// Neighbour beauty (beautiful-and-damned §6.1, inner term of Eq. 2): the mean User.beauty
// of the accounts the user follows, written as User.neighbor_beauty.  Run after
// user_beauty.  avg() skips followees without beauty; a user who follows nobody with a
// beauty gets null (a previous value is cleared).  Same numbers as
// analysis/beauty.py::neighbor_beauty.  No parameters.
MATCH (u:User)
OPTIONAL MATCH (u)-[:FOLLOWS]->(v:User)
WITH u, avg(v.beauty) AS nb
SET u.neighbor_beauty = nb
RETURN count(u) AS users, count(nb) AS with_neighbor_beauty

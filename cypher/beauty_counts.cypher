// What the store holds for beauty (the "no beauty" messages quote it): users, users with
// a User.beauty, photos, photos with a beauty score.  No parameters.
MATCH (u:User)
WITH count(u) AS users, count(u.beauty) AS users_with_beauty
OPTIONAL MATCH (p:Photo)
RETURN users, users_with_beauty, count(p) AS photos, count(p.beauty) AS photos_with_beauty

// Browser display aid: refresh the BeautyTier0..4 and FollowersTier0..3
// labels that style.grass colours and sizes.  Re-run after `beautygraph analyze network`.
// Neo4j only: the embedded store gives every node exactly one label (its table), so display labels cannot be added.
MATCH (u:User)
REMOVE u:BeautyTier0:BeautyTier1:BeautyTier2:BeautyTier3:BeautyTier4
REMOVE u:FollowersTier0:FollowersTier1:FollowersTier2:FollowersTier3
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
FOREACH (_ IN CASE WHEN followers < 10 THEN [1] ELSE [] END | SET u:FollowersTier0)
FOREACH (_ IN CASE WHEN followers >= 10 AND followers < 100 THEN [1] ELSE [] END | SET u:FollowersTier1)
FOREACH (_ IN CASE WHEN followers >= 100 AND followers < 1000 THEN [1] ELSE [] END | SET u:FollowersTier2)
FOREACH (_ IN CASE WHEN followers >= 1000 THEN [1] ELSE [] END | SET u:FollowersTier3)
FOREACH (_ IN CASE WHEN u.beauty < 0.15 THEN [1] ELSE [] END | SET u:BeautyTier0)
FOREACH (_ IN CASE WHEN u.beauty >= 0.15 AND u.beauty < 0.22 THEN [1] ELSE [] END | SET u:BeautyTier1)
FOREACH (_ IN CASE WHEN u.beauty >= 0.22 AND u.beauty < 0.30 THEN [1] ELSE [] END | SET u:BeautyTier2)
FOREACH (_ IN CASE WHEN u.beauty >= 0.30 AND u.beauty < 0.40 THEN [1] ELSE [] END | SET u:BeautyTier3)
FOREACH (_ IN CASE WHEN u.beauty >= 0.40 THEN [1] ELSE [] END | SET u:BeautyTier4);

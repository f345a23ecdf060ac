// Users holding at least one interest from the given sources (the seeds of a propagation).
// $sources: list of INTERESTED_IN source values.
MATCH (u:User)-[r:INTERESTED_IN]->(:Topic)
WHERE r.source IN $sources
RETURN count(DISTINCT u) AS n

// Users holding at least one INTERESTED_IN relationship, per source (counted in the store,
// so choosing the default seed sources never exports the graph).  No parameters.
MATCH (u:User)-[r:INTERESTED_IN]->(:Topic)
RETURN r.source AS source, count(DISTINCT u) AS n

// The recipient of a recommendation: does it exist, and what is its beauty?
MATCH (u:User {id: $user})
RETURN u.id AS id, u.beauty AS beauty

-- Back to the server's choice between custom and generic plans.
RESET plan_cache_mode

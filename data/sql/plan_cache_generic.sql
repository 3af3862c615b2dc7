-- Plan the statements that follow with their generic plan: see ZoneStore.survey.
SET plan_cache_mode = force_generic_plan

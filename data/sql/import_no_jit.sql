-- Turns JIT compilation off for the rest of an import's transaction. The
-- PostGIS functions of the INSERT…SELECT (ST_Transform, ST_IsValid, ...)
-- are costed so high that any import crosses jit_above_cost, and compiling
-- the plan took about 0.23 s of a 50,000-feature import while the work it
-- sped up is all inside those functions, which JIT cannot touch.
SET LOCAL jit = off

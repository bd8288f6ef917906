/**
 * Datasets and their narrow operations (Spark core's RDDs): immutable, partitioned collections
 * computed lazily from their parents, and the {@link dev.microbatch.engine.dataset.EngineContext}
 * that creates them and runs jobs over them.
 */
package dev.microbatch.engine.dataset;

package dev.microbatch.engine.scheduler;

import java.util.List;

/**
 * A stage of a job as progress reports show it.
 *
 * @param names the names of the datasets fused into it, upstream first (those that have one)
 */
public record StageInfo(int id, int tasks, List<String> names) {}

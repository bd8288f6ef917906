package dev.microbatch.runner.execution.sideinput;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * An input element (in one window) that a ParDo could not process yet because a side input of that
 * window is not ready; it is tried again in the next batch.
 */
@Internal
public record PushedBack(WindowedValue<?> element) {}

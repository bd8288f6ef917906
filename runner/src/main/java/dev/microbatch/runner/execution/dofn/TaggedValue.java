package dev.microbatch.runner.execution.dofn;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/** One output of a multi-output ParDo, with the tag of the output it went to. */
@Internal
public record TaggedValue(TupleTag<?> tag, WindowedValue<?> value) {}

package dev.microbatch.runner.translation;

import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/** One output of a multi-output ParDo, with the tag of the output it went to. */
record TaggedValue(TupleTag<?> tag, WindowedValue<?> value) {}

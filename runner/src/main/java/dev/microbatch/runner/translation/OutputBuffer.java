package dev.microbatch.runner.translation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Receives what a DoFn outputs while one input element is processed; the partition's iterator
 * hands it on before pulling the next input, so it holds one element's outputs at a time.
 */
final class OutputBuffer implements WindowedValueMultiReceiver {
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private final boolean tagged;

  /** With {@code tagged}, outputs are {@link TaggedValue}s; otherwise bare windowed values. */
  OutputBuffer(boolean tagged) {
    this.tagged = tagged;
  }

  @Override
  public <OutputT> void output(TupleTag<OutputT> tag, WindowedValue<OutputT> value) {
    queue.add(tagged ? new TaggedValue(tag, value) : value);
  }

  ArrayDeque<Object> queue() {
    return queue;
  }

  /** Takes everything received so far. */
  List<Object> drain() {
    List<Object> drained = new ArrayList<>(queue);
    queue.clear();
    return drained;
  }
}

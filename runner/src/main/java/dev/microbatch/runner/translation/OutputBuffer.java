package dev.microbatch.runner.translation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.util.UserCodeException;
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
  /** The next DoFn's step, which takes every output as it comes, once a bundle fuses it. */
  private BundleIterator.Step<Object> next;

  /** With {@code tagged}, outputs are {@link TaggedValue}s; otherwise bare windowed values. */
  OutputBuffer(boolean tagged) {
    this.tagged = tagged;
  }

  @Override
  public <OutputT> void output(TupleTag<OutputT> tag, WindowedValue<OutputT> value) {
    if (next == null) {
      queue.add(tagged ? new TaggedValue(tag, value) : value);
      return;
    }
    try {
      next.accept(value);
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
  }

  /** From now on, hands every output to {@code step} instead of queueing it (untagged only). */
  void pushTo(BundleIterator.Step<Object> step) {
    if (tagged) {
      throw new IllegalStateException("Tagged outputs cannot be pushed to one step");
    }
    this.next = step;
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

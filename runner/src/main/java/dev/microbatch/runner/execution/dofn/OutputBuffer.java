package dev.microbatch.runner.execution.dofn;

import dev.microbatch.engine.dataset.Dataset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Receives what a DoFn outputs while one input element is processed; the partition's iterator hands
 * it on before pulling the next input, so it holds one element's outputs at a time.
 */
@Internal
public final class OutputBuffer implements WindowedValueMultiReceiver {
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private final boolean tagged;

  /** The next DoFn's step, which takes every output as it comes, once a bundle fuses it. */
  private BundleIterator.Step<Object> next;

  /** With {@code tagged}, outputs are {@link TaggedValue}s; otherwise bare windowed values. */
  public OutputBuffer(boolean tagged) {
    this.tagged = tagged;
  }

  @Override
  public <OutputT> void output(TupleTag<OutputT> tag, WindowedValue<OutputT> value) {
    outputValue(tag, value.getValue(), value);
  }

  /**
   * Receives {@code value} in the timestamp, windows and pane of {@code element}. A step that takes
   * values apart from their elements gets it as it is; only a queued output is built into a
   * windowed value of its own. Along a fused chain in one window most outputs are never built.
   */
  public <OutputT> void outputValue(
      TupleTag<OutputT> tag, OutputT value, WindowedValue<?> element) {
    if (next == null) {
      WindowedValue<OutputT> built = inElement(value, element);
      queue.add(tagged ? new TaggedValue(tag, built) : built);
      return;
    }
    try {
      next.acceptValue(value, element);
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
  }

  /**
   * {@code value} in the timestamp, windows and pane of {@code element}: the element itself if it
   * holds that very value (windowed values are immutable), else a new one.
   */
  @SuppressWarnings("unchecked")
  static <T> WindowedValue<T> inElement(T value, WindowedValue<?> element) {
    return value == element.getValue() ? (WindowedValue<T>) element : element.withValue(value);
  }

  /** From now on, hands every output to {@code step} instead of queueing it (untagged only). */
  void pushTo(BundleIterator.Step<Object> step) {
    if (tagged) {
      throw new IllegalStateException("Tagged outputs cannot be pushed to one step");
    }
    this.next = step;
  }

  /** The step every output goes to, or null while outputs are queued. */
  public BundleIterator.Step<Object> pushedTo() {
    return next;
  }

  public ArrayDeque<Object> queue() {
    return queue;
  }

  /** Takes everything received so far. */
  public List<Object> drain() {
    List<Object> drained = new ArrayList<>(queue);
    queue.clear();
    return drained;
  }

  /** One output of a multi-output ParDo: the records tagged with {@code tag}, untagged. */
  public static Dataset<WindowedValue<?>> output(Dataset<Object> tagged, TupleTag<?> tag) {
    return tagged
        .filter(r -> ((TaggedValue) r).tag().equals(tag))
        .map(r -> ((TaggedValue) r).value());
  }

  /** A single-output ParDo's records are bare windowed values already. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Dataset<WindowedValue<?>> asWindowedValues(Dataset<Object> records) {
    return (Dataset) records;
  }
}

package dev.microbatch.runner.execution.dofn;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Runs one bundle lazily: each {@link #hasNext} feeds input elements to {@code process} until there
 * is output to hand on, and after the last input runs {@code finish} (whose outputs follow). This
 * keeps a fused chain of DoFns a single pass over the partition.
 *
 * <p>A ParDo reading a bundle of a single-output ParDo without side inputs takes it over ({@link
 * #fusedAfter}): the upstream DoFn's outputs go straight into this one's {@code process}, with no
 * queue and no iterator between them, and pulling from this bundle drives both.
 */
@Internal
public final class BundleIterator<I> implements Iterator<Object> {
  /** Processes one input element; its outputs go to the shared queue. */
  public interface Step<I> {
    void accept(I input) throws Exception;

    /**
     * Processes {@code value} in the timestamp, windows and pane of {@code element}: the element
     * {@code element.withValue(value)}, which a step that takes the two apart need not build.
     */
    @SuppressWarnings("unchecked")
    default void acceptValue(Object value, WindowedValue<?> element) throws Exception {
      accept((I) OutputBuffer.inElement(value, element));
    }
  }

  /** Ends the bundle. */
  public interface Finish {
    void run() throws Exception;
  }

  private final Iterator<I> input;

  /** The bundle whose outputs this one processes as they come, or null. */
  private final BundleIterator<?> upstream;

  private final Step<I> process;
  private final Finish finish;
  private final ArrayDeque<Object> outputs;

  /** The outputs a downstream bundle may take over, or null if they must be pulled. */
  private final OutputBuffer pushable;

  private boolean started;
  private boolean finished;

  public BundleIterator(
      Iterator<I> input, Step<I> process, Finish finish, ArrayDeque<Object> outputs) {
    this(input, null, process, finish, outputs, null);
  }

  /**
   * A bundle of {@code input}; with {@code mayPush}, a bundle reading this one may take over {@code
   * output} (its records must then be plain windowed values, as a single-output DoFn's).
   */
  public BundleIterator(
      Iterator<I> input, Step<I> process, Finish finish, OutputBuffer output, boolean mayPush) {
    this(input, null, process, finish, output.queue(), mayPush ? output : null);
  }

  private BundleIterator(
      Iterator<I> input,
      BundleIterator<?> upstream,
      Step<I> process,
      Finish finish,
      ArrayDeque<Object> outputs,
      OutputBuffer pushable) {
    this.input = input;
    this.upstream = upstream;
    this.process = process;
    this.finish = finish;
    this.outputs = outputs;
    this.pushable = pushable;
  }

  /** {@code input} as a bundle that can push its outputs into the next, or null. */
  static BundleIterator<?> pushing(Iterator<?> input) {
    return input instanceof BundleIterator<?> bundle && bundle.pushable != null && !bundle.started
        ? bundle
        : null;
  }

  /**
   * A bundle that processes each output of {@code upstream} (a {@link #pushing} one) as it is
   * output; pulling from it runs both.
   */
  @SuppressWarnings("unchecked")
  static <I> BundleIterator<I> fusedAfter(
      BundleIterator<?> upstream,
      Step<I> process,
      Finish finish,
      OutputBuffer output,
      boolean mayPush) {
    upstream.pushable.pushTo((Step<Object>) process);
    upstream.started = true;
    return new BundleIterator<>(
        null, upstream, process, finish, output.queue(), mayPush ? output : null);
  }

  /**
   * Hands every record of {@code input} to {@code step}: a {@link #pushing} bundle's outputs as
   * they are output, each as a value with its element ({@link Step#acceptValue}, so that none is
   * built into a windowed value of its own), any other iterator's records one by one.
   */
  @SuppressWarnings("unchecked")
  public static <I> void forEach(Iterator<I> input, Step<I> step) {
    BundleIterator<?> bundle = pushing(input);
    try {
      if (bundle == null) {
        while (input.hasNext()) {
          step.accept(input.next());
        }
        return;
      }
      bundle.pushable.pushTo((Step<Object>) step);
      while (bundle.advance()) {
        // every output went to step as it came
      }
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
  }

  /** One step of work: one input element processed, or the bundle ended; false once it has. */
  private boolean advance() throws Exception {
    started = true;
    if (finished) {
      return false;
    }
    if (upstream != null) {
      if (upstream.advance()) {
        return true;
      }
    } else if (input.hasNext()) {
      process.accept(input.next());
      return true;
    }
    finished = true;
    finish.run();
    return true;
  }

  @Override
  public boolean hasNext() {
    try {
      while (outputs.isEmpty()) {
        if (!advance()) {
          return false;
        }
      }
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
    return true;
  }

  /**
   * Runs the rest of the bundle, handing each output to {@code action} as it is output. A queue the
   * bundle outlives would hold every output for a moment, and each store of a new output into an
   * old array costs G1 a card to refine.
   */
  @Override
  public void forEachRemaining(Consumer<? super Object> action) {
    forEach(this, action::accept);
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return outputs.poll();
  }
}

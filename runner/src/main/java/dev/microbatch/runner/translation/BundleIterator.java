package dev.microbatch.runner.translation;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.util.UserCodeException;

/**
 * Runs one bundle lazily: each {@link #hasNext} feeds input elements to {@code process} until
 * there is output to hand on, and after the last input runs {@code finish} (whose outputs follow).
 * This keeps a fused chain of DoFns a single pass over the partition.
 */
final class BundleIterator<I> implements Iterator<Object> {
  /** Processes one input element; its outputs go to the shared queue. */
  interface Step<I> {
    void accept(I input) throws Exception;
  }

  /** Ends the bundle. */
  interface Finish {
    void run() throws Exception;
  }

  private final Iterator<I> input;
  private final Step<I> process;
  private final Finish finish;
  private final ArrayDeque<Object> outputs;
  private boolean finished;

  BundleIterator(Iterator<I> input, Step<I> process, Finish finish, ArrayDeque<Object> outputs) {
    this.input = input;
    this.process = process;
    this.finish = finish;
    this.outputs = outputs;
  }

  @Override
  public boolean hasNext() {
    try {
      while (outputs.isEmpty()) {
        if (finished) {
          return false;
        }
        if (input.hasNext()) {
          process.accept(input.next());
        } else {
          finished = true;
          finish.run();
        }
      }
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
    return true;
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return outputs.poll();
  }
}

package dev.microbatch.runner.execution.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;

/**
 * A key's state in a keyed streaming step, and what the key output in the last batch it was updated
 * in: the step's state stream carries both, and its output stream reads the outputs of each batch
 * from it.
 */
@Internal
public class KeyOutputs<S, OutputT> {
  public final S state;
  private long batchTime;
  private List<OutputT> outputs = List.of();

  public KeyOutputs(S state) {
    this.state = state;
  }

  public void emitted(long batchTime, List<OutputT> outputs) {
    this.batchTime = batchTime;
    this.outputs = List.copyOf(outputs); // no copy made of none: most keys output nothing
  }

  /** Adds to what the key output in its last batch. */
  void alsoEmitted(List<OutputT> more) {
    if (!more.isEmpty()) {
      List<OutputT> all = new ArrayList<>(outputs);
      all.addAll(more);
      outputs = all;
    }
  }

  public List<OutputT> outputsOf(long time) {
    return time == batchTime ? outputs : List.of();
  }

  /** Nothing left to remember once the key's state is empty: this batch's outputs are out. */
  public boolean isDone(boolean stateIsEmpty) {
    return stateIsEmpty && outputs.isEmpty();
  }
}

package dev.microbatch.runner.translation;

import java.util.ArrayList;
import java.util.List;

/**
 * A key's state in a keyed streaming step, and what the key output in the last batch it was
 * updated in: the step's state stream carries both, and its output stream reads the outputs of
 * each batch from it.
 */
class KeyOutputs<S, OutputT> {
  final S state;
  private long batchTime;
  private List<OutputT> outputs = List.of();

  KeyOutputs(S state) {
    this.state = state;
  }

  void emitted(long batchTime, List<OutputT> outputs) {
    this.batchTime = batchTime;
    this.outputs = new ArrayList<>(outputs);
  }

  /** Adds to what the key output in its last batch. */
  void alsoEmitted(List<OutputT> more) {
    outputs.addAll(more);
  }

  List<OutputT> outputsOf(long time) {
    return time == batchTime ? outputs : List.of();
  }

  /** Nothing left to remember once the key's state is empty: this batch's outputs are out. */
  boolean isDone(boolean stateIsEmpty) {
    return stateIsEmpty && outputs.isEmpty();
  }
}

package dev.microbatch.runner.execution.state;

import org.apache.beam.runners.core.InMemoryBundleFinalizer;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.DoFn.BundleFinalizer;

/**
 * The step context of a DoFn run in a batch task. State and timers are those of the key being
 * processed (set per key by stateful ParDos); a DoFn without state never asks for them.
 */
@Internal
public final class KeyedStepContext implements StepContext {
  private final InMemoryBundleFinalizer bundleFinalizer = new InMemoryBundleFinalizer();
  private StateInternals stateInternals;
  private TimerInternals timerInternals;

  void setKey(StateInternals stateInternals, TimerInternals timerInternals) {
    this.stateInternals = stateInternals;
    this.timerInternals = timerInternals;
  }

  @Override
  public StateInternals stateInternals() {
    if (stateInternals == null) {
      throw new UnsupportedOperationException("State is only available to a stateful DoFn");
    }
    return stateInternals;
  }

  @Override
  public TimerInternals timerInternals() {
    if (timerInternals == null) {
      throw new UnsupportedOperationException("Timers are only available to a stateful DoFn");
    }
    return timerInternals;
  }

  @Override
  public BundleFinalizer bundleFinalizer() {
    return bundleFinalizer;
  }

  public InMemoryBundleFinalizer finalizer() {
    return bundleFinalizer;
  }
}

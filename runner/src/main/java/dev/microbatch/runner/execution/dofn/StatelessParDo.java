package dev.microbatch.runner.execution.dofn;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.PartitionFunction;
import dev.microbatch.runner.execution.state.KeyedStepContext;
import java.util.Collections;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A ParDo without state or timers, in either mode: each partition is one bundle through Beam's
 * DoFnRunner, fused with the ParDo before it where it can be.
 */
@Internal
public final class StatelessParDo {
  private StatelessParDo() {}

  /** The DoFn run over each partition as one bundle. */
  public static <InputT, OutputT> Dataset<Object> apply(
      Dataset<WindowedValue<InputT>> input, DoFnExecution<InputT, OutputT> execution) {
    return input.mapPartitions(partitionFunction(execution), execution.broadcasts());
  }

  private static <InputT, OutputT>
      PartitionFunction<WindowedValue<InputT>, Object> partitionFunction(
          DoFnExecution<InputT, OutputT> execution) {
    // its records may be pushed into the next ParDo if they are plain windowed values (one
    // output) and none is put back for a later batch (no side inputs)
    boolean mayPush = !execution.isMultiOutput() && !execution.hasSideInputs();
    return (input, task) -> {
      BundleIterator<?> upstream = BundleIterator.pushing(input);
      if (upstream == null && !input.hasNext()) {
        // An empty partition is no bundle: the DoFn is not even set up.
        return Collections.emptyIterator();
      }
      DoFn<InputT, OutputT> fn = execution.instantiate(task);
      KeyedStepContext step = new KeyedStepContext();
      OutputBuffer output = new OutputBuffer(execution.isMultiOutput());
      var runner = execution.runner(fn, step, output, task);
      BundleIterator.Step<WindowedValue<InputT>> process = execution.startBundle(runner, output);
      BundleIterator.Finish finish =
          () -> {
            runner.finishBundle();
            DoFnExecution.finalizeBundle(step.finalizer());
          };
      return upstream != null
          ? BundleIterator.fusedAfter(upstream, process, finish, output, mayPush)
          : new BundleIterator<>(input, process, finish, output, mayPush);
    };
  }
}

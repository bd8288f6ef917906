package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import java.util.Collections;
import dev.microbatch.engine.dataset.PartitionFunction;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * ParDo: the user's DoFn runs over each partition through Beam's DoFnRunner. A stateful DoFn first
 * gets its input grouped by key (see {@link StatefulParDoFunction}). With several outputs, the
 * records carry their tag and each output keeps its own.
 */
final class ParDoTranslator<InputT, OutputT>
    implements TransformTranslator<ParDo.MultiOutput<InputT, OutputT>> {

  @Override
  public void translate(ParDo.MultiOutput<InputT, OutputT> transform, TranslationContext context) {
    DoFn<InputT, OutputT> fn = transform.getFn();
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    if (signature.processElement().isSplittable()) {
      throw new IllegalStateException(
          "Splittable DoFn " + context.stepName() + " should have been expanded before translation");
    }
    DoFnExecution<InputT, OutputT> execution = new DoFnExecution<>(transform, context);
    Dataset<WindowedValue<InputT>> input = context.dataset(context.input());
    Dataset<Object> output =
        signature.usesState() || signature.usesTimers()
            ? StatefulParDoFunction.apply(input, execution, context)
            : input.mapPartitions(partitionFunction(execution), execution.broadcasts());
    if (execution.isMultiOutput()) {
      context.setOutputs(
          output,
          (unit, tag) ->
              unit.filter(r -> ((TaggedValue) r).tag().equals(tag))
                  .map(r -> ((TaggedValue) r).value()));
    } else {
      context.setOutput(asWindowedValues(output));
    }
  }

  /** A single-output ParDo's records are bare windowed values already. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Dataset<WindowedValue<?>> asWindowedValues(Dataset<Object> records) {
    return (Dataset) records;
  }

  private static <InputT, OutputT>
      PartitionFunction<WindowedValue<InputT>, Object> partitionFunction(
          DoFnExecution<InputT, OutputT> execution) {
    return (input, task) -> {
      if (!input.hasNext()) {
        // An empty partition is no bundle: the DoFn is not even set up.
        return Collections.emptyIterator();
      }
      DoFn<InputT, OutputT> fn = execution.instantiate(task);
      KeyedStepContext step = new KeyedStepContext();
      OutputBuffer output = new OutputBuffer(execution.isMultiOutput());
      var runner = execution.runner(fn, step, output);
      runner.startBundle();
      return new BundleIterator<>(
          input,
          runner::processElement,
          () -> {
            runner.finishBundle();
            DoFnExecution.finalizeBundle(step.finalizer());
          },
          output.queue());
    };
  }
}

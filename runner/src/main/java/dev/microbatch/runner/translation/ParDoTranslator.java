package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import java.util.Collections;
import dev.microbatch.engine.dataset.PartitionFunction;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.TupleTag;
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
    DoFnExecution<InputT, OutputT> execution =
        new DoFnExecution<>(transform, context).withSideInputs(context::sideInput);
    Dataset<WindowedValue<InputT>> input = context.dataset(context.input());
    Dataset<Object> output =
        signature.usesState() || signature.usesTimers()
            ? StatefulParDoFunction.apply(input, execution, context)
            : stateless(input, execution);
    setOutputs(context, output, execution.isMultiOutput());
  }

  /** The outputs of a ParDo-like step: tagged records if it has several, else its only one. */
  static void setOutputs(TranslationContext context, Dataset<Object> output, boolean multiOutput) {
    if (multiOutput) {
      context.setOutputs(output, ParDoTranslator::output);
    } else {
      context.setOutput(asWindowedValues(output));
    }
  }

  /** The DoFn run over each partition as one bundle. */
  static <InputT, OutputT> Dataset<Object> stateless(
      Dataset<WindowedValue<InputT>> input, DoFnExecution<InputT, OutputT> execution) {
    return input.mapPartitions(partitionFunction(execution), execution.broadcasts());
  }

  /** One output of a multi-output ParDo: the records tagged with {@code tag}, untagged. */
  static Dataset<WindowedValue<?>> output(Dataset<Object> tagged, TupleTag<?> tag) {
    return tagged
        .filter(r -> ((TaggedValue) r).tag().equals(tag))
        .map(r -> ((TaggedValue) r).value());
  }

  /** A single-output ParDo's records are bare windowed values already. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Dataset<WindowedValue<?>> asWindowedValues(Dataset<Object> records) {
    return (Dataset) records;
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
      var runner = execution.runner(fn, step, output);
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

package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.OutputBuffer;
import dev.microbatch.runner.execution.dofn.StatelessParDo;
import dev.microbatch.runner.execution.state.StatefulParDoFunction;
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
final class ParDoTranslatorBatch<InputT, OutputT>
    implements BatchTransformTranslator<ParDo.MultiOutput<InputT, OutputT>> {

  @Override
  public void translate(
      ParDo.MultiOutput<InputT, OutputT> transform, BatchTranslationContext context) {
    DoFn<InputT, OutputT> fn = transform.getFn();
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    if (signature.processElement().isSplittable()) {
      throw new IllegalStateException(
          "Splittable DoFn "
              + context.stepName()
              + " should have been expanded before translation");
    }
    DoFnExecution<InputT, OutputT> execution =
        new DoFnExecution<>(transform, context).withSideInputs(context::sideInput);
    Dataset<WindowedValue<InputT>> input = context.dataset(context.input());
    Dataset<Object> output =
        signature.usesState() || signature.usesTimers()
            ? StatefulParDoFunction.apply(input, execution, context)
            : StatelessParDo.apply(input, execution);
    setOutputs(context, output, execution.isMultiOutput());
  }

  /** The outputs of a ParDo-like step: tagged records if it has several, else its only one. */
  static void setOutputs(
      BatchTranslationContext context, Dataset<Object> output, boolean multiOutput) {
    if (multiOutput) {
      context.setOutputs(output, OutputBuffer::output);
    } else {
      context.setOutput(OutputBuffer.asWindowedValues(output));
    }
  }
}

package dev.microbatch.runner.translation;

import dev.microbatch.engine.stream.DStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * ParDo in streaming mode: each batch's partitions run as bundles, exactly as in batch mode.
 * The output watermark is the input's.
 */
final class ParDoStreamTranslator<InputT, OutputT>
    implements StreamTranslator<ParDo.MultiOutput<InputT, OutputT>> {

  @Override
  public void translate(
      ParDo.MultiOutput<InputT, OutputT> transform, StreamingTranslationContext context) {
    DoFn<InputT, OutputT> fn = transform.getFn();
    DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
    if (signature.usesState() || signature.usesTimers()) {
      throw new UnsupportedOperationException(
          "MicroBatchRunner cannot run " + context.stepName()
              + " in streaming mode yet: stateful ParDo and timers (UsesStatefulParDo, UsesTimersInParDo)"
              + " are supported in batch mode only so far");
    }
    if (!transform.getSideInputs().isEmpty()) {
      throw new UnsupportedOperationException(
          "MicroBatchRunner cannot run " + context.stepName()
              + " in streaming mode yet: side inputs are supported in batch mode only so far");
    }
    DoFnExecution<InputT, OutputT> execution =
        new DoFnExecution<>(
            transform,
            context,
            view -> {
              throw new IllegalStateException("no side inputs in streaming mode");
            });
    DStream<WindowedValue<InputT>> input = context.stream(context.input());
    DStream<Object> output = input.transform((d, time) -> ParDoTranslator.stateless(d, execution));
    PCollectionWatermark watermark = context.watermark(context.input());
    if (execution.isMultiOutput()) {
      context.setOutputs(output, ParDoTranslator::output, watermark);
    } else {
      context.setOutput(output.transform((d, time) -> ParDoTranslator.asWindowedValues(d)), watermark);
    }
  }
}

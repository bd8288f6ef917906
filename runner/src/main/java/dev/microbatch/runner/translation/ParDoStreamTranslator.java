package dev.microbatch.runner.translation;

import dev.microbatch.engine.stream.DStream;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * ParDo in streaming mode: each batch's partitions run as bundles, exactly as in batch mode, and
 * the output watermark is the input's. A stateful ParDo keeps each key's state and timers from
 * batch to batch; its timers hold its output watermark.
 */
final class ParDoStreamTranslator<InputT, OutputT>
    implements StreamTranslator<ParDo.MultiOutput<InputT, OutputT>> {

  @Override
  public void translate(
      ParDo.MultiOutput<InputT, OutputT> transform, StreamingTranslationContext context) {
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
    DStream<Object> output;
    PCollectionWatermark watermark;
    DoFnSignature signature = DoFnSignatures.getSignature(transform.getFn().getClass());
    if (signature.usesState() || signature.usesTimers()) {
      KeyedStreamStep<?, ?, Object> step = statefulStep(execution, context);
      output = step.output();
      watermark = step.watermark();
    } else {
      output =
          context.<InputT>stream(context.input())
              .transform((d, time) -> ParDoTranslator.stateless(d, execution));
      watermark = context.watermark(context.input());
    }
    if (execution.isMultiOutput()) {
      context.setOutputs(output, ParDoTranslator::output, watermark);
    } else {
      context.setOutput(output.transform((d, time) -> ParDoTranslator.asWindowedValues(d)), watermark);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static KeyedStreamStep<?, ?, Object> statefulStep(
      DoFnExecution<?, ?> execution, StreamingTranslationContext context) {
    DoFnExecution<KV<Object, Object>, Object> keyed = (DoFnExecution) execution;
    return new KeyedStreamStep<Object, Object, Object>(
        (PCollection) context.input(),
        context,
        task -> new StatefulBundle<>(keyed, task),
        KeyState::earliestHoldOrTimerOutput);
  }
}

package dev.microbatch.runner.translation;

import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.sdk.util.construction.SplittableParDo.ProcessKeyedElements;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * A splittable DoFn in streaming mode, bounded or unbounded: each element's restriction is
 * processed for at most half a batch interval per batch; its residual stays in the element's
 * state and resumes in a later batch, holding the output watermark at what the DoFn's watermark
 * estimator reports.
 */
final class SplittableProcessStreamTranslator<InputT, OutputT, RestrictionT>
    implements StreamTranslator<ProcessKeyedElements<InputT, OutputT, RestrictionT, ?>> {

  @Override
  public void translate(
      ProcessKeyedElements<InputT, OutputT, RestrictionT, ?> transform,
      StreamingTranslationContext context) {
    DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution =
        SplittableBundle.execution(transform, context);
    if (execution.hasSideInputs()) {
      throw new UnsupportedOperationException(
          "MicroBatchRunner cannot run "
              + context.stepName()
              + " in streaming mode yet: a splittable DoFn with side inputs is supported in batch"
              + " mode only so far");
    }
    Duration maxCallDuration =
        Duration.millis(Math.max(1, context.options().getBatchIntervalMillis() / 2));
    KeyedStreamStep<byte[], KV<InputT, RestrictionT>, Object> step =
        KeyedStreamStep.of(
            context.input(),
            context,
            task -> new SplittableBundle<>(execution, task, maxCallDuration),
            KeyState::earliestHold);
    ParDoStreamTranslator.setOutputs(
        context, step.output(), execution.isMultiOutput(), step.watermark());
  }
}

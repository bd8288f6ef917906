package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.sideinput.KeyedSideInputs;
import dev.microbatch.runner.execution.splittable.IdleRestrictions;
import dev.microbatch.runner.execution.splittable.RecordBudget;
import dev.microbatch.runner.execution.splittable.SplittableBundle;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.sdk.util.construction.SplittableParDo.ProcessKeyedElements;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * A splittable DoFn in streaming mode, bounded or unbounded: each element's restriction is
 * processed for at most half a batch interval per batch; its residual stays in the element's state
 * and resumes in a later batch, holding the output watermark at what the DoFn's watermark estimator
 * reports. An element whose side inputs are not ready waits (see {@link KeyedSideInputs}); so does
 * a restriction once the batch's record budget (--maxRecordsPerBatch, or its share under
 * backpressure) is spent, and one that keeps waiting in vain for input (see {@link
 * IdleRestrictions}).
 */
final class SplittableProcessTranslatorStreaming<InputT, OutputT, RestrictionT>
    implements StreamingTransformTranslator<
        ProcessKeyedElements<InputT, OutputT, RestrictionT, ?>> {

  @Override
  public void translate(
      ProcessKeyedElements<InputT, OutputT, RestrictionT, ?> transform,
      StreamingTranslationContext context) {
    DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution =
        SplittableBundle.execution(transform, context);
    RecordBudget.PerBatch budgets =
        new RecordBudget.PerBatch(
            context.stepName(), context.options().getMaxRecordsPerBatch(), context.streaming());
    IdleRestrictions idle = new IdleRestrictions();
    // a task's calls together take about half the batch interval
    Duration timeSlot =
        Duration.millis(Math.max(1, context.options().getBatchIntervalMillis() / 2));
    KeyedStreamStep<byte[], KV<InputT, RestrictionT>, Object> step =
        KeyedStreamStep.of(
            context.input(),
            context,
            KeyedSideInputs.bundles(
                execution,
                context,
                (ofBatch, time, task) ->
                    new SplittableBundle<>(ofBatch, task, timeSlot, budgets.of(time), idle)),
            KeyState::earliestHold);
    ParDoTranslatorStreaming.setOutputs(
        context, step.output(), execution.isMultiOutput(), step.watermark());
  }
}

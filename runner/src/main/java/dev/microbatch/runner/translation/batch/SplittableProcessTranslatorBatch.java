package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.runner.execution.dofn.BundleIterator;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.splittable.IdleRestrictions;
import dev.microbatch.runner.execution.splittable.RecordBudget;
import dev.microbatch.runner.execution.splittable.SplittableBundle;
import java.util.ArrayDeque;
import java.util.Collections;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.sdk.util.construction.SplittableParDo.ProcessKeyedElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Duration;

/**
 * A splittable DoFn in batch mode (the primitive its expansion ends in): every element, with its
 * restriction and a unique key, runs to completion through ProcessFn, checkpoint after checkpoint,
 * within the task that reads it.
 */
final class SplittableProcessTranslatorBatch<InputT, OutputT, RestrictionT>
    implements BatchTransformTranslator<ProcessKeyedElements<InputT, OutputT, RestrictionT, ?>> {
  private static final Duration MAX_CALL_DURATION = Duration.standardSeconds(10);

  @Override
  public void translate(
      ProcessKeyedElements<InputT, OutputT, RestrictionT, ?> transform,
      BatchTranslationContext context) {
    DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution =
        SplittableBundle.execution(transform, context).withSideInputs(context::sideInput);
    Dataset<WindowedValue<KV<byte[], KV<InputT, RestrictionT>>>> input =
        context.dataset(context.input());
    Dataset<Object> output =
        input.mapPartitions(
            (elements, task) -> {
              if (!elements.hasNext()) {
                return Collections.emptyIterator();
              }
              // runs each element to completion: nothing to pace, nothing to budget
              SplittableBundle<InputT, OutputT, RestrictionT> bundle =
                  new SplittableBundle<>(
                      execution,
                      task,
                      MAX_CALL_DURATION,
                      RecordBudget.unlimited(),
                      new IdleRestrictions());
              ArrayDeque<Object> outputs = new ArrayDeque<>();
              return new BundleIterator<>(
                  elements,
                  element -> outputs.addAll(bundle.runToCompletion(element)),
                  () -> outputs.addAll(bundle.finish()),
                  outputs);
            },
            execution.broadcasts());
    ParDoTranslatorBatch.setOutputs(context, output, execution.isMultiOutput());
  }
}

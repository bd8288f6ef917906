package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.windowing.WindowAssignment;
import org.apache.beam.sdk.transforms.windowing.Window;

/** Window.Assign: each element, in each of its windows, gets the windows its WindowFn assigns. */
final class WindowAssignTranslatorBatch<T> implements BatchTransformTranslator<Window.Assign<T>> {

  @Override
  public void translate(Window.Assign<T> transform, BatchTranslationContext context) {
    context.setOutput(
        context.<T>dataset(context.input()).flatMap(WindowAssignment.assigner(transform)));
  }
}

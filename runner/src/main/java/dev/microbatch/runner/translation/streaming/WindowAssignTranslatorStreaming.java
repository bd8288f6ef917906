package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.windowing.WindowAssignment;
import org.apache.beam.sdk.transforms.windowing.Window;

/** Window.Assign in streaming mode: the batch assignment, batch by batch. */
final class WindowAssignTranslatorStreaming<T>
    implements StreamingTransformTranslator<Window.Assign<T>> {

  @Override
  public void translate(Window.Assign<T> transform, StreamingTranslationContext context) {
    context.setOutput(
        context.<T>stream(context.input()).flatMap(WindowAssignment.assigner(transform)),
        context.watermark(context.input()));
  }
}

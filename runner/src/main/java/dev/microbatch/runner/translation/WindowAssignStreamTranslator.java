package dev.microbatch.runner.translation;

import org.apache.beam.sdk.transforms.windowing.Window;

/** Window.Assign in streaming mode: the batch assignment, batch by batch. */
final class WindowAssignStreamTranslator<T> implements StreamTranslator<Window.Assign<T>> {

  @Override
  public void translate(Window.Assign<T> transform, StreamingTranslationContext context) {
    context.setOutput(
        context.<T>stream(context.input()).flatMap(WindowAssignTranslator.assigner(transform)),
        context.watermark(context.input()));
  }
}

package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.source.BoundedInputStream;
import dev.microbatch.runner.execution.source.ImpulseData;
import org.apache.beam.sdk.transforms.Impulse;

/** Impulse in streaming mode: its one element in the first batch, then the end of time. */
final class ImpulseTranslatorStreaming implements StreamingTransformTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, StreamingTranslationContext context) {
    BoundedInputStream<byte[]> impulse =
        new BoundedInputStream<>(
            context.streaming(), context.stepName(), ImpulseData.of(context.streaming().engine()));
    context.checkpointed(impulse);
    context.setOutput(impulse, impulse::watermarkAfter);
  }
}

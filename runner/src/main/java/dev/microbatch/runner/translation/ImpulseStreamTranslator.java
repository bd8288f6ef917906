package dev.microbatch.runner.translation;

import org.apache.beam.sdk.transforms.Impulse;

/** Impulse in streaming mode: its one element in the first batch, then the end of time. */
final class ImpulseStreamTranslator implements StreamTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, StreamingTranslationContext context) {
    BoundedInputStream<byte[]> impulse =
        new BoundedInputStream<>(
            context.streaming(),
            context.stepName(),
            ImpulseTranslator.impulse(context.streaming().engine()));
    context.checkpointed(impulse);
    context.setOutput(impulse, impulse::watermarkAfter);
  }
}

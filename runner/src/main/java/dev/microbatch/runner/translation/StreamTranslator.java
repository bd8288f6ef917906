package dev.microbatch.runner.translation;

import org.apache.beam.sdk.transforms.PTransform;

/** Translates one kind of Beam transform into engine streams (streaming mode). */
interface StreamTranslator<T extends PTransform<?, ?>> {

  void translate(T transform, StreamingTranslationContext context);
}

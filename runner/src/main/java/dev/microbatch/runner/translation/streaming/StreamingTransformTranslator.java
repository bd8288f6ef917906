package dev.microbatch.runner.translation.streaming;

import org.apache.beam.sdk.transforms.PTransform;

/** Translates one kind of Beam transform into engine streams (streaming mode). */
interface StreamingTransformTranslator<T extends PTransform<?, ?>> {

  void translate(T transform, StreamingTranslationContext context);

  /**
   * For a composite transform: whether this translator takes it whole; if not, the composite is
   * expanded and its parts translated instead.
   */
  default boolean canTranslate(T transform, StreamingTranslationContext context) {
    return true;
  }
}

package dev.microbatch.runner.translation;

import org.apache.beam.sdk.transforms.PTransform;

/** Translates one kind of Beam transform into engine datasets. */
public interface TransformTranslator<T extends PTransform<?, ?>> {

  void translate(T transform, TranslationContext context);

  /**
   * Whether this application can be translated as a whole. A composite that answers false is
   * expanded and its parts translated instead.
   */
  default boolean canTranslate(T transform, TranslationContext context) {
    return true;
  }
}

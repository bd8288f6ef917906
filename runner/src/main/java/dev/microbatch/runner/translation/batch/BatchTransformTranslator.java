package dev.microbatch.runner.translation.batch;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.PTransform;

/** Translates one kind of Beam transform into engine datasets. */
@Internal
public interface BatchTransformTranslator<T extends PTransform<?, ?>> {

  void translate(T transform, BatchTranslationContext context);

  /**
   * Whether this application can be translated as a whole. A composite that answers false is
   * expanded and its parts translated instead.
   */
  default boolean canTranslate(T transform, BatchTranslationContext context) {
    return true;
  }
}

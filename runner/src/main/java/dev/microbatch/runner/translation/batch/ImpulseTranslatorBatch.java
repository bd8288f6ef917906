package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.source.ImpulseData;
import org.apache.beam.sdk.transforms.Impulse;

/** Impulse: one partition holding one empty byte array in the global window. */
final class ImpulseTranslatorBatch implements BatchTransformTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, BatchTranslationContext context) {
    context.setOutput(ImpulseData.of(context.engine()));
  }
}

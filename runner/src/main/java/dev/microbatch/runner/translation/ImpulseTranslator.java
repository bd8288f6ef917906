package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/** Impulse: one partition holding one empty byte array in the global window. */
final class ImpulseTranslator implements TransformTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, TranslationContext context) {
    context.setOutput(impulse(context.engine()));
  }

  static Dataset<WindowedValue<byte[]>> impulse(EngineContext engine) {
    return engine.parallelize(List.of(WindowedValues.valueInGlobalWindow(new byte[0])), 1);
  }
}

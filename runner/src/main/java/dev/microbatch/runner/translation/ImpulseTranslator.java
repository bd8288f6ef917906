package dev.microbatch.runner.translation;

import java.util.List;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/** Impulse: one partition holding one empty byte array in the global window. */
final class ImpulseTranslator implements TransformTranslator<Impulse> {

  @Override
  public void translate(Impulse transform, TranslationContext context) {
    List<WindowedValue<byte[]>> impulse = List.of(WindowedValues.valueInGlobalWindow(new byte[0]));
    context.setOutput(context.engine().parallelize(impulse, 1));
  }
}

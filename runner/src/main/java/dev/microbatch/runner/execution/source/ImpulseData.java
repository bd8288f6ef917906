package dev.microbatch.runner.execution.source;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * What an Impulse emits, in either mode: one partition holding one empty byte array in the global
 * window.
 */
@Internal
public final class ImpulseData {
  private ImpulseData() {}

  public static Dataset<WindowedValue<byte[]>> of(EngineContext engine) {
    return engine.parallelize(List.of(WindowedValues.valueInGlobalWindow(new byte[0])), 1);
  }
}

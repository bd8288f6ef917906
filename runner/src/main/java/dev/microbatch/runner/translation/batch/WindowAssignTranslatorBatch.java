package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.windowing.WindowAssignment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/** Window.Assign: each element, in each of its windows, gets the windows its WindowFn assigns. */
final class WindowAssignTranslatorBatch<T>
    implements BatchTransformTranslator<Window.Assign<T>> {

  @Override
  public void translate(Window.Assign<T> transform, BatchTranslationContext context) {
    context.setOutput(context.<T>dataset(context.input()).flatMap(WindowAssignment.assigner(transform)));
  }
}

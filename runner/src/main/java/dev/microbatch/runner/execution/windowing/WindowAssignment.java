package dev.microbatch.runner.execution.windowing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Window.Assign in either mode: each element, in each of its windows, gets the windows its WindowFn
 * assigns.
 */
@Internal
public final class WindowAssignment {
  private WindowAssignment() {}

  /** Each element in the windows {@code transform} assigns it to. */
  @SuppressWarnings("unchecked")
  public static <T, W extends BoundedWindow>
      Function<WindowedValue<T>, List<WindowedValue<T>>> assigner(Window.Assign<T> transform) {
    // A null WindowFn means only the trigger or lateness changed: elements pass unchanged.
    WindowFn<T, W> windowFn = (WindowFn<T, W>) transform.getWindowFn();
    return wv -> windowFn == null ? List.of(wv) : assign(windowFn, wv);
  }

  private static <T, W extends BoundedWindow> List<WindowedValue<T>> assign(
      WindowFn<T, W> windowFn, WindowedValue<T> element) {
    List<WindowedValue<T>> out = new ArrayList<>();
    for (WindowedValue<T> single : element.explodeWindows()) {
      BoundedWindow window = single.getWindows().iterator().next();
      Collection<W> windows;
      try {
        windows =
            windowFn.assignWindows(
                windowFn.new AssignContext() {
                  @Override
                  public T element() {
                    return single.getValue();
                  }

                  @Override
                  public Instant timestamp() {
                    return single.getTimestamp();
                  }

                  @Override
                  public BoundedWindow window() {
                    return window;
                  }
                });
      } catch (Exception e) {
        throw UserCodeException.wrap(e);
      }
      out.add(
          WindowedValues.of(
              single.getValue(), single.getTimestamp(), windows, single.getPaneInfo()));
    }
    return out;
  }
}

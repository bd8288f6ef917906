package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;

/**
 * Every slide, the union of the parent's datasets of the last window length. The parent's datasets
 * are cached, since several windows read each of them.
 */
final class WindowedDStream<T> extends DStream<T> {
  private final DStream<T> parent;
  private final long lengthMillis;
  private final long slideMillis;

  WindowedDStream(DStream<T> parent, long lengthMillis, long slideMillis) {
    super(parent.context());
    long parentSlide = parent.slideMillis();
    if (lengthMillis <= 0 || lengthMillis % parentSlide != 0) {
      throw new IllegalArgumentException(
          "Window length "
              + lengthMillis
              + " ms must be a positive multiple of the parent's slide "
              + parentSlide
              + " ms");
    }
    if (slideMillis <= 0 || slideMillis % parentSlide != 0) {
      throw new IllegalArgumentException(
          "Window slide "
              + slideMillis
              + " ms must be a positive multiple of the parent's slide "
              + parentSlide
              + " ms");
    }
    this.parent = parent;
    this.lengthMillis = lengthMillis;
    this.slideMillis = slideMillis;
    parent.remember(lengthMillis);
  }

  @Override
  public List<DStream<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  public long slideMillis() {
    return slideMillis;
  }

  @Override
  protected Dataset<T> compute(long batchTime) {
    List<Dataset<T>> inWindow = new ArrayList<>();
    long step = parent.slideMillis();
    for (long time = batchTime - lengthMillis + step; time <= batchTime; time += step) {
      Dataset<T> d = parent.getOrCompute(time);
      if (d != null) {
        inWindow.add(d.cache());
      }
    }
    return context().engine().union(inWindow);
  }
}

package dev.microbatch.runner.execution.metrics;

import java.util.Arrays;
import java.util.function.Function;
import org.apache.beam.model.pipeline.v1.MetricsApi;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.BoundedTrie;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Histogram;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.util.HistogramData;

/**
 * A step's metrics container that finds a metric by its name's identity before asking Beam's {@link
 * MetricsContainerImpl}, which hashes the name on every update: a {@code MetricName} hashes its
 * labels map anew each time. User code updates a metric through a handle that holds one name (a
 * source counting what it reads with Beam's {@code SourceMetrics}, as GenerateSequence and KafkaIO
 * do for every record; a DoFn's distribution of its elements), so the lookup ran for every element:
 * 29% of the CPU samples of B2's hot keys, read from GenerateSequence. The metrics are the
 * container's own; only the lookup is saved.
 */
@Internal
public final class CachingMetricsContainer implements MetricsContainer {
  private final MetricsContainerImpl container;
  private final Found<Counter> counters;
  private final Found<Distribution> distributions;
  private final Found<Gauge> gauges;
  private final Found<StringSet> stringSets;
  private final Found<BoundedTrie> boundedTries;

  public CachingMetricsContainer(MetricsContainerImpl container) {
    this.container = container;
    this.counters = new Found<>(container::getCounter);
    this.distributions = new Found<>(container::getDistribution);
    this.gauges = new Found<>(container::getGauge);
    this.stringSets = new Found<>(container::getStringSet);
    this.boundedTries = new Found<>(container::getBoundedTrie);
  }

  @Override
  public Counter getCounter(MetricName name) {
    return counters.get(name);
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    return distributions.get(name);
  }

  @Override
  public Gauge getGauge(MetricName name) {
    return gauges.get(name);
  }

  @Override
  public StringSet getStringSet(MetricName name) {
    return stringSets.get(name);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName name) {
    return boundedTries.get(name);
  }

  @Override
  public Counter getPerWorkerCounter(MetricName name) {
    return container.getPerWorkerCounter(name);
  }

  @Override
  public Histogram getHistogram(MetricName name, HistogramData.BucketType bucketType) {
    return container.getHistogram(name, bucketType);
  }

  @Override
  public Iterable<MetricsApi.MonitoringInfo> getMonitoringInfos() {
    return container.getMonitoringInfos();
  }

  /**
   * The metrics of one kind found so far, by the identity of their names: a step updates a few, so
   * a scan of their names with == beats hashing even by identity (10% of B2-hot-keys' samples).
   */
  private static final class Found<M> {
    /**
     * Names made anew for each update would only fill the arrays: past this many, no more are kept.
     */
    private static final int MAX = 32;

    private final Function<MetricName, M> find;

    /** Replaced whole when a name is added: the tasks of a step read them without a lock. */
    private volatile Known known = new Known(new MetricName[0], new Object[0]);

    Found(Function<MetricName, M> find) {
      this.find = find;
    }

    @SuppressWarnings("unchecked")
    M get(MetricName name) {
      Known now = known;
      for (int i = 0; i < now.names.length; i++) {
        if (now.names[i] == name) {
          return (M) now.metrics[i];
        }
      }
      M metric = find.apply(name);
      keep(name, metric);
      return metric;
    }

    private synchronized void keep(MetricName name, M metric) {
      int size = known.names.length;
      if (size < MAX) {
        MetricName[] names = Arrays.copyOf(known.names, size + 1);
        Object[] metrics = Arrays.copyOf(known.metrics, size + 1);
        names[size] = name;
        metrics[size] = metric;
        known = new Known(names, metrics);
      }
    }

    private record Known(MetricName[] names, Object[] metrics) {}
  }
}

package dev.microbatch.runner.execution.source;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.runner.PAsserts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/**
 * A task that has read its bundle takes over part of a slower task's rest; every element is read
 * once.
 */
class RebalancedReadsTest {
  private static final long NUMBERS = 200_000;

  /** The threads that processed numbers of the second bundle, [NUMBERS / 2, NUMBERS). */
  private static final Map<String, Boolean> SECOND_BUNDLE_THREADS = new ConcurrentHashMap<>();

  /** Takes about 10 µs a number of the second bundle, so its task falls far behind the other. */
  private static final class SlowSecondBundle extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long n, OutputReceiver<Long> out) {
      if (n >= NUMBERS / 2) {
        SECOND_BUNDLE_THREADS.put(Thread.currentThread().getName(), true);
        long until = System.nanoTime() + 10_000;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      out.output(n);
    }
  }

  @Test
  void theTaskDoneFirstReadsPartOfTheSlowerBundleAndEveryNumberIsReadOnce() {
    SECOND_BUNDLE_THREADS.clear();
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--parallelism=2")
                .create());
    PCollection<Long> numbers =
        p.apply(GenerateSequence.from(0).to(NUMBERS)).apply(ParDo.of(new SlowSecondBundle()));
    PAssert.thatSingleton(numbers.apply(Count.globally())).isEqualTo(NUMBERS);
    PAssert.thatSingleton(numbers.apply(Sum.longsGlobally()))
        .isEqualTo(NUMBERS * (NUMBERS - 1) / 2);

    PAsserts.runAndVerify(p);

    assertThat(SECOND_BUNDLE_THREADS.size(), equalTo(2));
  }
}
